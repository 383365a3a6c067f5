/**
 * Node and pod objects from the API, reduced to what the Clusters page shows — the same columns
 * `kubectl get nodes -o wide` and `kubectl get pods -n kube-system` print.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ClusterNodeStatus, SystemPodStatus } from '../../../../shared/domain/cluster-record';

const ROLE_LABEL = 'node-role.kubernetes.io/';

export function summarizeNode(node: V1Node): ClusterNodeStatus {
  const labels = node.metadata?.labels ?? {};
  const roles = new Set<string>();
  for (const key of Object.keys(labels)) {
    if (key.startsWith(ROLE_LABEL) && key.length > ROLE_LABEL.length) roles.add(key.slice(ROLE_LABEL.length));
  }
  // Clusters set up before the node-role labels existed used this one (kubectl still honours it).
  const legacy = labels['kubernetes.io/role'];
  if (legacy) roles.add(legacy);
  const readyCondition = node.status?.conditions?.find((c) => c.type === 'Ready');
  const ready = readyCondition?.status === 'True';
  const internalIp = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? null;
  let message: string | null = null;
  if (!ready) {
    message = readyCondition
      ? readyCondition.message || readyCondition.reason || `Ready is ${readyCondition.status}`
      : 'The kubelet has not reported a Ready condition yet.';
  }
  return {
    name: node.metadata?.name ?? '',
    ready,
    roles: [...roles].sort(),
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? '',
    internalIp,
    message,
  };
}

/**
 * The STATUS column of `kubectl get pods`: a container's waiting/terminated reason
 * (CrashLoopBackOff, ImagePullBackOff, Error…) says more than the pod phase, which stays
 * "Running" while flannel crash-loops.
 */
export function podStatus(pod: V1Pod): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  const containers = pod.status?.containerStatuses ?? [];
  for (const c of containers) {
    const reason = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
    if (reason && reason !== 'Completed') return reason;
  }
  for (const c of pod.status?.initContainerStatuses ?? []) {
    const reason = c.state?.waiting?.reason ?? (c.state?.terminated && c.state.terminated.exitCode !== 0 ? c.state.terminated.reason : undefined);
    if (reason && reason !== 'PodInitializing') return `Init:${reason}`;
  }
  return pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
}

export function summarizePod(pod: V1Pod): SystemPodStatus {
  const containers = pod.status?.containerStatuses ?? [];
  return {
    name: pod.metadata?.name ?? '',
    phase: podStatus(pod),
    ready: containers.length > 0 && containers.every((c) => c.ready),
    restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
    nodeName: pod.spec?.nodeName ?? null,
  };
}
