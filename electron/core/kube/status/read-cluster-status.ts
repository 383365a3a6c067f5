/**
 * The cluster's state as its API server reports it, read with @kubernetes/client-node and the
 * kubeconfig Rackpilot keeps: nodes, kube-system pods, server version. A cluster that cannot be
 * asked (down, unreachable, rebuilt since, credentials expired) is a normal state of a home lab,
 * not an exception: the result says reachable:false and why, in plain language. Only the
 * caller's own cancellation throws.
 *
 * client-node is an ES module loaded with import() on first use: the core is bundled as CommonJS
 * (scripts/build-core.mjs keeps packages external), and import() works there on every Node the
 * app runs on, while require() of an ES module needs Node ≥ 20.19.
 */
import type { ClusterStatus } from '../../../../shared/domain/cluster-record';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { describeApiFailure, describeTimeout } from './api-errors';
import { summarizeNode, summarizePod } from './summarize';

type ClientNode = typeof import('@kubernetes/client-node');
type KubeConfig = InstanceType<ClientNode['KubeConfig']>;

let clientNode: Promise<ClientNode> | null = null;
function loadClientNode(): Promise<ClientNode> {
  clientNode ??= import('@kubernetes/client-node');
  return clientNode;
}

export type ClusterStatusReading = Omit<ClusterStatus, 'certificates'>;

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The kept kubeconfig must hold embedded certificates only: an `exec:`/`auth-provider:` user
 * would run a command on this machine and file references would read local files — neither is
 * anything kubeadm's admin.conf contains.
 */
function credentialProblem(kc: KubeConfig): string | null {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster || !user) return 'it has no current context with a cluster and a user';
  if (user.exec || user.authProvider) return `user "${user.name}" authenticates through a command or auth provider, which Rackpilot does not run`;
  if (cluster.caFile || user.certFile || user.keyFile) return 'it refers to certificate files instead of embedding them';
  if (!cluster.caData) return `cluster "${cluster.name}" has no embedded CA certificate`;
  if (!user.certData || !user.keyData) return `user "${user.name}" has no embedded client certificate and key`;
  return null;
}

/** Settles when `signal` aborts, so nothing waits past the deadline whatever the HTTP stack does. */
function abortedBy(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

function cancelled(clusterName: string): RackpilotError {
  return new RackpilotError(ErrorCode.Cancelled, `Reading the status of cluster ${clusterName} was cancelled.`);
}

export async function readClusterStatus(o: {
  clusterName: string;
  kubeconfig: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}): Promise<ClusterStatusReading> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = { clusterName: o.clusterName, checkedAt: new Date().toISOString(), serverVersion: null, nodes: [], systemPods: [] };
  const unreachable = (error: string): ClusterStatusReading => ({ ...base, reachable: false, error });
  if (o.signal?.aborted) throw cancelled(o.clusterName);

  const k8s = await loadClientNode();
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromString(o.kubeconfig);
  } catch (err) {
    return unreachable(`The kubeconfig Rackpilot keeps for cluster ${o.clusterName} cannot be read (${(err as Error).message.split('\n')[0]}): run the bootstrap again to fetch it.`);
  }
  const problem = credentialProblem(kc);
  if (problem) return unreachable(`The kubeconfig Rackpilot keeps for cluster ${o.clusterName} is not usable: ${problem}. Run the bootstrap again to fetch kubeadm's admin kubeconfig.`);
  const server = kc.getCurrentCluster()?.server ?? '';

  const timeout = AbortSignal.timeout(timeoutMs);
  const stop = new AbortController(); // ends the other requests once one has failed
  const signal = AbortSignal.any([timeout, stop.signal, ...(o.signal ? [o.signal] : [])]);
  const fetchLibrary = new k8s.IsomorphicFetchHttpLibrary();
  const options = {
    httpApi: k8s.wrapHttpLibrary({
      send(request) {
        request.setSignal(signal);
        return fetchLibrary.send(request).toPromise();
      },
    }),
  };
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const versionApi = kc.makeApiClient(k8s.VersionApi);
  const deadline = abortedBy(signal);
  try {
    const [version, nodes, pods] = await Promise.race([
      Promise.all([
        versionApi.getCode({}, options),
        core.listNode({}, options),
        core.listNamespacedPod({ namespace: 'kube-system' }, options),
      ]),
      deadline.promise,
    ]);
    return {
      ...base,
      reachable: true,
      error: null,
      serverVersion: version.gitVersion ?? null,
      nodes: nodes.items.map(summarizeNode),
      systemPods: pods.items.map(summarizePod),
    };
  } catch (err) {
    if (o.signal?.aborted) throw cancelled(o.clusterName);
    if (timeout.aborted) return unreachable(describeTimeout(server, timeoutMs));
    return unreachable(describeApiFailure(err, server));
  } finally {
    deadline.dispose();
    stop.abort();
  }
}
