/**
 * `kubeadm reset -f` on every node: workers together, then control planes one at a time with the
 * init node last (each control plane's reset removes its own etcd member through the members
 * still running). A node already reset is skipped, so a teardown that stopped can run again.
 */
import { redactKubeadmOutput } from '../output/redact';
import type { KubeNode, Remote } from '../remote';
import { lastLines } from './node-kubectl';

const ALREADY_RESET = 'RACKPILOT-ALREADY-RESET';

/** kubeadm init/join leave kubelet.conf and (control planes) static pod manifests; reset removes both. */
export const RESET_SCRIPT = [
  `if [ ! -e /etc/kubernetes/kubelet.conf ] && [ -z "$(ls -A /etc/kubernetes/manifests 2>/dev/null)" ]; then echo ${ALREADY_RESET}; exit 0; fi`,
  'command -v kubeadm >/dev/null 2>&1 || { echo "kubeadm is not installed" >&2; exit 127; }',
  'kubeadm reset -f',
].join('\n');

export type ResetOutcome = 'reset' | 'skipped' | 'failed';

export interface ResetOptions {
  signal: AbortSignal;
  log: (line: string) => void;
}

async function resetNode(remote: Remote, node: KubeNode, o: ResetOptions): Promise<{ outcome: ResetOutcome; warning: string | null }> {
  try {
    return await resetReachableNode(remote, node, o);
  } catch (e) {
    if (o.signal.aborted) throw e;
    // A node that is off or gone must not keep the others from being reset.
    const warning = `Could not reset ${node.name}: ${e instanceof Error ? e.message : String(e)}. Reset it by hand (sudo kubeadm reset -f) once it is reachable.`;
    o.log(`Warning: ${warning}`);
    return { outcome: 'failed', warning };
  }
}

async function resetReachableNode(remote: Remote, node: KubeNode, o: ResetOptions): Promise<{ outcome: ResetOutcome; warning: string | null }> {
  let skipped = false;
  const result = await remote.run(node, RESET_SCRIPT, {
    timeoutMs: 300_000,
    signal: o.signal,
    onLine: (line) => {
      if (line === ALREADY_RESET) skipped = true;
      else o.log(`${node.name}: ${redactKubeadmOutput(line)}`);
    },
  });
  if (result.exitCode === 0) {
    o.log(skipped ? `${node.name}: already reset (no kubelet.conf, no static pod manifests): skipped` : `${node.name}: kubeadm reset done`);
    return { outcome: skipped ? 'skipped' : 'reset', warning: null };
  }
  // The cleanup that follows removes what reset would have; the wipe check shows anything left.
  const why = redactKubeadmOutput(lastLines(result.stderr || result.stdout) || `exit ${result.exitCode ?? result.signal}`);
  const warning = `kubeadm reset failed on ${node.name} (${why}); the cleanup removes its state instead.`;
  o.log(`Warning: ${warning}`);
  return { outcome: 'failed', warning };
}

/** `order` is the teardown order (workers first, init node last). */
export async function resetNodes(remote: Remote, order: KubeNode[], o: ResetOptions & { onNodeDone?: (done: number, total: number) => void }): Promise<{ outcomes: Map<string, ResetOutcome>; warnings: string[] }> {
  const outcomes = new Map<string, ResetOutcome>();
  const warnings: string[] = [];
  let done = 0;
  const record = (node: KubeNode, r: { outcome: ResetOutcome; warning: string | null }) => {
    outcomes.set(node.id, r.outcome);
    if (r.warning) warnings.push(r.warning);
    o.onNodeDone?.(++done, order.length);
  };
  const workers = order.filter((n) => n.role === 'worker');
  const results = await Promise.all(workers.map((n) => resetNode(remote, n, o)));
  workers.forEach((n, i) => record(n, results[i]!));
  for (const node of order.filter((n) => n.role !== 'worker')) {
    if (o.signal.aborted) break;
    record(node, await resetNode(remote, node, o));
  }
  return { outcomes, warnings };
}
