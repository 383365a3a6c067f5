/** checkCleanWipe: every node at once, read-only; a node that cannot be checked says why. */
import type { CleanWipeReport } from '../../../../shared/domain/cluster-record';
import type { KubeNode, Remote } from '../remote';
import { lastLines } from './node-kubectl';
import { parseWipeCheck, WIPE_CHECK_SCRIPT } from './wipe-check-script';

export async function checkCleanWipe(remote: Remote, nodes: KubeNode[], signal?: AbortSignal): Promise<CleanWipeReport> {
  const checked = await Promise.all(
    nodes.map(async (node): Promise<CleanWipeReport['nodes'][number]> => {
      const base = { nodeId: node.id, name: node.name };
      try {
        const result = await remote.run(node, WIPE_CHECK_SCRIPT, { timeoutMs: 120_000, ...(signal ? { signal } : {}) });
        if (result.exitCode !== 0) {
          const why = lastLines(result.stderr || result.stdout) || `exit ${result.exitCode ?? result.signal}`;
          return { ...base, clean: false, leftovers: [], error: `The wipe check could not run on ${node.name}: ${why}` };
        }
        const leftovers = parseWipeCheck(result.stdout);
        return { ...base, clean: leftovers.length === 0, leftovers, error: null };
      } catch (e) {
        if (signal?.aborted) throw e;
        return { ...base, clean: false, leftovers: [], error: `Could not reach ${node.name} to check it: ${e instanceof Error ? e.message : String(e)}. Check it again once it is reachable.` };
      }
    }),
  );
  return { checkedAt: new Date().toISOString(), nodes: checked };
}
