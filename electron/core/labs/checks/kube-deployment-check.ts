/**
 * `kube-deployment-available`: a Deployment's available replicas, read from the cluster's API
 * server with client-node and the admin kubeconfig Rackpilot keeps. client-node is an ES module
 * loaded with import() (see kube/status/read-cluster-status.ts for why).
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { describeApiFailure, describeTimeout } from '../../kube/status/api-errors';
import { CannotRun, type CheckKind } from './check-kit';

const TIMEOUT_MS = 10_000;

type ClientNode = typeof import('@kubernetes/client-node');
let clientNode: Promise<ClientNode> | null = null;

async function readDeployment(kubeconfig: string, namespace: string, name: string, cluster: string, signal?: AbortSignal): Promise<V1Deployment | null> {
  const k8s = await (clientNode ??= import('@kubernetes/client-node'));
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  // Only embedded certificates: a kubeconfig user that runs a command is nothing kubeadm writes.
  const user = kc.getCurrentUser();
  if (!kc.getCurrentCluster() || !user || user.exec || user.authProvider) {
    throw new CannotRun(`The kubeconfig Rackpilot keeps for cluster ${cluster} is not kubeadm's admin kubeconfig.`, 'Run the bootstrap again to fetch it.');
  }
  const server = kc.getCurrentCluster()?.server ?? '';
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const all = AbortSignal.any([timeout, ...(signal ? [signal] : [])]);
  const fetchLibrary = new k8s.IsomorphicFetchHttpLibrary();
  const httpApi = k8s.wrapHttpLibrary({
    send(request) {
      request.setSignal(all);
      return fetchLibrary.send(request).toPromise();
    },
  });
  try {
    return await kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name, namespace }, { httpApi });
  } catch (err) {
    if (signal?.aborted) throw err;
    if ((err as { code?: unknown }).code === 404) return null;
    if (timeout.aborted) throw new CannotRun(describeTimeout(server, TIMEOUT_MS), 'Check again once the API server answers.');
    throw new CannotRun(describeApiFailure(err, server), 'Check again once the API server answers.');
  }
}

export const kubeDeploymentCheck: CheckKind<'kube-deployment-available'> = {
  ran: (c) => `ask the API server of cluster ${c.cluster} for Deployment ${c.namespace}/${c.name}`,

  async judge(c, { deps, signal }) {
    let kubeconfig: string;
    try {
      kubeconfig = deps.kubeconfig(c.cluster);
    } catch (err) {
      throw new CannotRun((err as Error).message, `Bootstrap cluster ${c.cluster} in Rackpilot (or pick the cluster the lab means), then check again.`);
    }
    const d = await readDeployment(kubeconfig, c.namespace, c.name, c.cluster, signal);
    if (!d) return { pass: false, saw: `There is no Deployment ${c.name} in namespace ${c.namespace}.` };
    const available = d.status?.availableReplicas ?? 0;
    const wanted = d.spec?.replicas ?? 1;
    const condition = d.status?.conditions?.find((x) => x.type === 'Available');
    const pass = available >= c.minAvailable;
    const lines = [`Deployment ${c.namespace}/${c.name}: ${available} of ${wanted} replicas available (wanted at least ${c.minAvailable}).`];
    if (condition && !pass) lines.push(`Available=${condition.status}${condition.reason ? ` (${condition.reason})` : ''}${condition.message ? `: ${condition.message}` : ''}`);
    return { pass, saw: lines.join('\n') };
  },
};
