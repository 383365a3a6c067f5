/**
 * kubectl as root on the init node, with the admin kubeconfig kubeadm left there: the one
 * credential that works whatever happened to the kubeconfig Rackpilot keeps.
 */
import { shellQuote } from '../../ssh/remote-command';
import type { KubeNode, Remote } from '../remote';
import { ADMIN_CONF } from './constants';

export const KUBECTL = `kubectl --kubeconfig ${ADMIN_CONF}`;

export type KubectlJson = { ok: true; json: unknown } | { ok: false; error: string };

/** The last non-empty lines of a command's output: what a person needs to see of a failure. */
export function lastLines(text: string, count = 3): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-count).join(' / ');
}

/**
 * `kubectl get … -o json`, base64-encoded on the node: a Secret list can exceed the captured
 * output tail, and base64 survives the line splitting of the streamed output byte for byte.
 * The JSON (secret values included) is only held in memory here, never written or logged.
 */
export async function kubectlJson(remote: Remote, node: KubeNode, args: string[], signal?: AbortSignal): Promise<KubectlJson> {
  const command = `${KUBECTL} ${args.map(shellQuote).join(' ')}`;
  // The final newline matters: the streamed output only hands over complete lines.
  const script = `out=$(timeout 60 ${command}) || exit $?\nprintf '%s' "$out" | base64 -w 0\necho`;
  const pieces: string[] = [];
  const result = await remote.run(node, script, {
    timeoutMs: 90_000,
    ...(signal ? { signal } : {}),
    onLine: (line, stream) => {
      if (stream === 'stdout') pieces.push(line);
    },
  });
  if (result.exitCode !== 0) {
    const why = lastLines(result.stderr) || `exit ${result.exitCode ?? result.signal}`;
    return { ok: false, error: `kubectl ${args.join(' ')} failed on ${node.name}: ${why}` };
  }
  try {
    return { ok: true, json: JSON.parse(Buffer.from(pieces.join(''), 'base64').toString('utf8')) as unknown };
  } catch {
    return { ok: false, error: `kubectl ${args.join(' ')} on ${node.name} did not print JSON` };
  }
}

/** Whether the API server answers its readiness probe; the reason when it does not. */
export async function apiServerAnswers(remote: Remote, node: KubeNode, signal?: AbortSignal): Promise<{ ok: true } | { ok: false; error: string }> {
  const result = await remote.run(node, `[ -r ${ADMIN_CONF} ] || { echo "${ADMIN_CONF} is missing (the node was already reset)" >&2; exit 3; }\ntimeout 20 ${KUBECTL} get --raw /readyz`, {
    timeoutMs: 40_000,
    ...(signal ? { signal } : {}),
  });
  if (result.exitCode === 0) return { ok: true };
  const why = lastLines(result.stderr || result.stdout) || (result.exitCode === 124 ? 'no answer within 20 s' : `exit ${result.exitCode ?? result.signal}`);
  return { ok: false, error: why };
}

/** True when kube-proxy's ConfigMap says IPVS mode (then its virtual servers need clearing). */
export async function kubeProxyUsesIpvs(remote: Remote, node: KubeNode, signal?: AbortSignal): Promise<boolean> {
  const cm = await kubectlJson(remote, node, ['get', 'configmap', 'kube-proxy', '-n', 'kube-system', '-o', 'json'], signal);
  if (!cm.ok) return false;
  const config = (cm.json as { data?: Record<string, string> } | null)?.data?.['config.conf'] ?? '';
  return /^mode:\s*["']?ipvs["']?\s*$/m.test(config);
}
