/**
 * Reading `kubectl get nodes -o json` and the kube-system pods: is every node of the cluster
 * Ready and CoreDNS running? Pure, so the verdict and its wording are unit-tested.
 */

export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}
export interface NodeList {
  items?: { metadata?: { name?: string }; status?: { conditions?: Condition[] } }[];
}
interface ContainerState {
  waiting?: { reason?: string; message?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number };
}
export interface PodList {
  items?: {
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
    spec?: { nodeName?: string };
    status?: { phase?: string; containerStatuses?: { name?: string; ready?: boolean; state?: ContainerState; lastState?: ContainerState }[] };
  }[];
}

export interface Health {
  ready: boolean;
  /** "2/2 nodes Ready, CoreDNS 2/2 Running" */
  summary: string;
  /** One line per thing that is not there yet, for the log and for diagnose(). */
  problems: string[];
}

type Pod = NonNullable<PodList['items']>[number];

const isCoreDns = (pod: Pod) => pod.metadata?.labels?.['k8s-app'] === 'kube-dns' || (pod.metadata?.name ?? '').startsWith('coredns-');

/** Why a pod is not running, in the words kubelet uses (CrashLoopBackOff, ImagePullBackOff, the last exit). */
export function podTrouble(pod: Pod): string {
  const parts: string[] = [pod.status?.phase ?? 'Unknown'];
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting;
    if (waiting?.reason) parts.push(`${c.name}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`);
    const last = c.lastState?.terminated;
    if (last?.message) parts.push(`${c.name} last exited: ${last.message.trim()}`);
  }
  return parts.join('; ');
}

const podReady = (pod: Pod) => pod.status?.phase === 'Running' && (pod.status.containerStatuses ?? []).every((c) => c.ready !== false);

export interface HealthInput {
  /** Kubernetes node names of every member. */
  expected: readonly string[];
  nodes: NodeList;
  /** kube-system's pods (CoreDNS). */
  systemPods: PodList;
  /** The CNI agent's pods (one per node, from its DaemonSet) and the CNI's name for messages. */
  cni: { name: string; pods: PodList };
}

export function clusterHealth({ expected, nodes, systemPods, cni }: HealthInput): Health {
  const problems: string[] = [];
  const byName = new Map((nodes.items ?? []).map((n) => [n.metadata?.name ?? '', n]));
  let readyCount = 0;
  for (const name of expected) {
    const node = byName.get(name);
    if (!node) {
      problems.push(`node ${name} is not registered in the cluster`);
      continue;
    }
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') readyCount++;
    else problems.push(`node ${name} is NotReady: ${ready?.message ?? ready?.reason ?? 'kubelet has not reported yet'}`);
  }
  // A node can be Ready while its CNI agent crash-loops (the CNI config file from an earlier start
  // is still there), and then its pods get no network: the agent must run on every node.
  let cniRunning = 0;
  for (const name of expected) {
    const pod = (cni.pods.items ?? []).find((p) => p.spec?.nodeName === name);
    if (!pod) problems.push(`no ${cni.name} pod runs on node ${name} yet`);
    else if (!podReady(pod)) problems.push(`${cni.name} pod ${pod.metadata?.name ?? '?'} on ${name} is ${podTrouble(pod)}`);
    else cniRunning++;
  }
  const dns = (systemPods.items ?? []).filter(isCoreDns);
  const running = dns.filter((p) => p.status?.phase === 'Running');
  if (dns.length === 0) problems.push('no CoreDNS pod exists yet');
  for (const pod of dns.filter((p) => p.status?.phase !== 'Running')) problems.push(`CoreDNS pod ${pod.metadata?.name ?? '?'} is ${podTrouble(pod)}`);
  return {
    ready: problems.length === 0,
    summary: `${readyCount}/${expected.length} nodes Ready, ${cni.name} ${cniRunning}/${expected.length} running, CoreDNS ${running.length}/${dns.length} Running`,
    problems,
  };
}

/** Pods not running or restarting (CrashLoopBackOff keeps the phase Running), with why: the evidence of a pod network that does not come up. */
export function troubledPods(pods: PodList): string[] {
  const waiting = (p: Pod) => (p.status?.containerStatuses ?? []).some((c) => c.state?.waiting?.reason);
  return (pods.items ?? [])
    .filter((p) => (p.status?.phase !== 'Running' && p.status?.phase !== 'Succeeded') || waiting(p))
    .map((p) => `pod ${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? '?'}${p.spec?.nodeName ? ` on ${p.spec.nodeName}` : ''} is ${podTrouble(p)}`);
}
