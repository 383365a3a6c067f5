/**
 * kubectl on the init node with admin.conf: the bootstrap's view of the cluster before any
 * kubeconfig has left the node. `timeout` bounds every call, so an API server that accepts the
 * connection and never answers cannot hang a phase.
 */
import { ADMIN_CONF, outputOf, sh } from './node-shell';
import type { BootstrapRun } from './types';

export const KUBECTL_ON_NODE = `timeout 60 kubectl --kubeconfig ${ADMIN_CONF}`;

export type KubectlResult<T> = { ok: true; value: T } | { ok: false; output: string };

/** `kubectl <args> -o json`, parsed; not ok when kubectl fails or prints something else. */
export async function kubectlJson<T>(b: BootstrapRun, args: string): Promise<KubectlResult<T>> {
  const r = await sh(b, b.init.node, `${KUBECTL_ON_NODE} ${args} -o json`, { timeoutMs: 90_000 });
  if (r.exitCode !== 0) return { ok: false, output: outputOf(r) || `kubectl exited with ${r.exitCode}` };
  try {
    return { ok: true, value: JSON.parse(r.stdout) as T };
  } catch {
    return { ok: false, output: `kubectl printed something that is not JSON: ${r.stdout.slice(0, 200)}` };
  }
}

/** `kubectl get --raw /readyz` says "ok": the API server is up and serving. */
export async function apiServerReady(b: BootstrapRun): Promise<{ ready: boolean; detail: string }> {
  const r = await sh(b, b.init.node, `[ -f ${ADMIN_CONF} ] || { echo "${ADMIN_CONF} is missing"; exit 1; }\n${KUBECTL_ON_NODE} get --raw /readyz 2>&1`, { timeoutMs: 90_000 });
  const text = r.stdout.trim();
  if (r.exitCode === 0 && text === 'ok') return { ready: true, detail: 'the API server is ready' };
  const last = (text || outputOf(r)).split('\n').filter(Boolean).at(-1)?.slice(0, 200) ?? `exit ${r.exitCode}`;
  return { ready: false, detail: last };
}
