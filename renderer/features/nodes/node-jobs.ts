/** Jobs of one node: fetched into the jobs store so views can list a node's older runs too. */
import { rpc } from '../../rpc/api';
import { onJobChanged } from '../../stores/jobs';

export async function loadNodeJobs(nodeId: string, limit = 50): Promise<void> {
  for (const job of await rpc().call('jobs.list', { nodeId, limit })) onJobChanged(job);
}
