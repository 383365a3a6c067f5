/** `kube-nodes-ready`: the cluster's nodes as its API server reports them — all Ready, or at least `count`. */
import { CannotRun, type CheckKind } from './check-kit';

export const kubeNodesCheck: CheckKind<'kube-nodes-ready'> = {
  ran: (c) => `ask the API server of cluster ${c.cluster} for its nodes`,

  async judge(c, { deps, signal }) {
    const status = await deps.clusterStatus(c.cluster, signal);
    if (!status.reachable) throw new CannotRun(status.error ?? `The API server of cluster ${c.cluster} could not be asked.`, `Make sure the control plane of ${c.cluster} is up, then check again.`);
    const ready = status.nodes.filter((n) => n.ready);
    const notReady = status.nodes.filter((n) => !n.ready);
    const pass = c.count === undefined ? status.nodes.length > 0 && notReady.length === 0 : ready.length >= c.count;
    const wanted = c.count === undefined ? 'all' : `at least ${c.count}`;
    const lines = [`${ready.length} of ${status.nodes.length} node${status.nodes.length === 1 ? '' : 's'} Ready (wanted: ${wanted}).`];
    if (ready.length) lines.push(`Ready: ${ready.map((n) => n.name).join(', ')}.`);
    for (const n of notReady) lines.push(`Not ready: ${n.name}${n.message ? ` — ${n.message}` : ''}.`);
    return { pass, saw: lines.join('\n') };
  },
};
