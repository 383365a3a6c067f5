/**
 * The teardown job body: back up, drain workers, reset every node, clean what reset leaves,
 * check the wipe. 'soft' runs the same kubeadm-level steps (it is the fast path: the OS stays);
 * whether the OS is reinstalled afterwards is the rebuild's business, not this one's.
 */
import type { CleanWipeReport, ClusterBackup } from '../../../../shared/domain/cluster-record';
import { abortError } from '../../abort';
import type { JobContext } from '../../jobs/jobs-service';
import type { KubeNode, Remote } from '../remote';
import { takeBackup } from './backup';
import { cleanUpNodes } from './cleanup';
import { drainWorkers } from './drain';
import { apiServerAnswers, kubeProxyUsesIpvs } from './node-kubectl';
import { initNodeOf, teardownOrder } from './order';
import { resetNodes } from './reset';
import { checkCleanWipe } from './wipe-check';

export const TEARDOWN_PHASES: string[] = ['Backup', 'Drain workers', 'Reset nodes', 'Clean up', 'Wipe check'];

export interface TeardownOptions {
  clusterName: string;
  nodes: KubeNode[];
  mode: 'full' | 'soft';
  /** Created here (0700). */
  backupDir: string;
  /** host:port the cluster's kubeconfigs use, when known: identifies the SSH user's ~/.kube/config as this cluster's. */
  endpoint?: string | null;
  /** Default: 'soft-reset' for soft mode, 'teardown' otherwise (the rebuild passes 'rebuild'). */
  reason?: ClusterBackup['reason'];
}

export interface TeardownResult {
  backup: ClusterBackup | null;
  wipe: CleanWipeReport;
  /** What did not go to plan but did not stop the teardown (no etcd snapshot, a failed drain…). */
  warnings: string[];
}

export async function runTeardown(deps: { remote: Remote }, o: TeardownOptions, ctx: JobContext): Promise<TeardownResult> {
  const { remote } = deps;
  const { signal } = ctx;
  const order = teardownOrder(o.nodes);
  const init = initNodeOf(o.nodes);
  const warnings: string[] = [];
  const log = (line: string) => ctx.log(line);
  const checkpoint = () => {
    if (signal.aborted) throw abortError();
  };
  const enter = (index: number) => {
    checkpoint();
    ctx.phase(TEARDOWN_PHASES[index]!);
    ctx.progress(index / TEARDOWN_PHASES.length);
  };
  const within = (index: number) => (done: number, total: number) => ctx.progress((index + done / Math.max(total, 1)) / TEARDOWN_PHASES.length);

  log(`${o.mode === 'soft' ? 'Soft reset (kubeadm level, the OS stays)' : 'Teardown'} of ${o.clusterName}, node order: ${order.map((n) => n.name).join(', ')}`);

  enter(0);
  const reason = o.reason ?? (o.mode === 'soft' ? 'soft-reset' : 'teardown');
  const saved = await takeBackup(remote, { clusterName: o.clusterName, init, backupDir: o.backupDir, reason, signal, log });
  warnings.push(...saved.warnings);

  enter(1);
  const api = await apiServerAnswers(remote, init, signal);
  const ipvs = api.ok && (await kubeProxyUsesIpvs(remote, init, signal));
  const workers = order.filter((n) => n.role === 'worker');
  if (workers.length === 0) log('No workers to drain.');
  else if (!api.ok) {
    const warning = `The API server does not answer (${api.error}): workers were not drained; the reset stops their pods.`;
    warnings.push(warning);
    log(`Warning: ${warning}`);
  } else {
    warnings.push(...(await drainWorkers(remote, { init, workers, signal, log, onWorkerDone: within(1) })));
  }

  enter(2);
  const reset = await resetNodes(remote, order, { signal, log, onNodeDone: within(2) });
  warnings.push(...reset.warnings);

  enter(3);
  const apiServerUrls = [...new Set([saved.apiServerUrl, o.endpoint ? `https://${o.endpoint}` : null].filter((u): u is string => !!u))];
  warnings.push(...(await cleanUpNodes(remote, order, { apiServerUrls, ipvs, signal, log, onNodeDone: within(3) })));

  enter(4);
  const wipe = await checkCleanWipe(remote, order, signal);
  for (const node of wipe.nodes) {
    if (node.error) log(`Warning: ${node.error}`);
    else if (node.clean) log(`${node.name}: clean`);
    else for (const l of node.leftovers) log(`${node.name}: left behind: ${l.kind} ${l.item} — ${l.hint}`);
  }
  ctx.progress(1);
  return { backup: saved.backup, wipe, warnings };
}
