/**
 * The confirmation screen's facts: which nodes go, in what order, and what is lost for good.
 * A dead API server does not block a teardown (that is often why people tear down), so the plan
 * then says what it could not check instead of failing.
 */
import type { TeardownLoss, TeardownPlan } from '../../../../shared/domain/cluster-record';
import type { KubeNode, Remote } from '../remote';
import { namespaceLosses, persistentVolumeLosses, secretLosses } from './losses';
import { kubectlJson } from './node-kubectl';
import { initNodeOf, teardownOrder } from './order';

export interface PlanTeardownOptions {
  clusterName: string;
  nodes: KubeNode[];
  backupDir: string;
  signal?: AbortSignal;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function readLosses(remote: Remote, init: KubeNode, signal?: AbortSignal): Promise<{ losses: TeardownLoss[]; apiError: string | null }> {
  const pvs = await kubectlJson(remote, init, ['get', 'pv', '-o', 'json'], signal);
  if (!pvs.ok) return { losses: [], apiError: pvs.error };
  const secrets = await kubectlJson(remote, init, ['get', 'secrets', '-A', '-o', 'json'], signal);
  if (!secrets.ok) return { losses: persistentVolumeLosses(pvs.json), apiError: secrets.error };
  const namespaces = await kubectlJson(remote, init, ['get', 'namespaces', '-o', 'json'], signal);
  const losses = [...persistentVolumeLosses(pvs.json), ...secretLosses(secrets.json), ...(namespaces.ok ? namespaceLosses(namespaces.json) : [])];
  return { losses, apiError: namespaces.ok ? null : namespaces.error };
}

export async function planTeardown(remote: Remote, o: PlanTeardownOptions): Promise<TeardownPlan> {
  const order = teardownOrder(o.nodes);
  const init = initNodeOf(o.nodes);
  let found: { losses: TeardownLoss[]; apiError: string | null };
  try {
    found = await readLosses(remote, init, o.signal);
  } catch (e) {
    if (o.signal?.aborted) throw e;
    found = { losses: [], apiError: `Could not reach ${init.name} over SSH: ${errorText(e)}` };
  }
  const apiError = found.apiError
    ? `${found.apiError}. The API server of ${o.clusterName} did not answer, so what will be lost could not be fully listed; ` +
      'you can still tear the cluster down (the backup then keeps what the node still has).'
    : null;
  return {
    clusterName: o.clusterName,
    nodes: order.map((n) => ({ id: n.id, name: n.name, role: n.role })),
    losses: found.losses,
    apiError,
    backupDir: o.backupDir,
  };
}
