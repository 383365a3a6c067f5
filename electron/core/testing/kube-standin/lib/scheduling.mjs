/**
 * Taints, tolerations and node choice, as kube-scheduler and the node lifecycle controller apply
 * them: NotReady nodes carry node.kubernetes.io/not-ready, nodes whose kubelet went silent
 * node.kubernetes.io/unreachable, cordoned nodes node.kubernetes.io/unschedulable.
 */
import { BUILTIN_TYPES, typeForKind } from './resources.mjs';

export const T = Object.fromEntries(BUILTIN_TYPES.map((t) => [t.kind, t]));
export const typeOfKind = (apiVersion, kind) => typeForKind(BUILTIN_TYPES, apiVersion, kind);

/** How long a kubelet may stay silent before its node is Unknown (node-monitor-grace-period). */
export const NODE_GRACE_MS = 40_000;

export function readyCondition(node) {
  return (node.status?.conditions ?? []).find((c) => c.type === 'Ready') ?? null;
}

export function nodeReady(node) {
  return readyCondition(node)?.status === 'True';
}

/** Whether the kubelet posted a status recently enough. */
export function nodeReachable(node, now) {
  const beat = readyCondition(node)?.lastHeartbeatTime;
  return Boolean(beat) && now - Date.parse(beat) < NODE_GRACE_MS;
}

/** The taints the control plane keeps on a node from its conditions and spec. */
export function conditionTaints(node, now) {
  const taints = (node.spec?.taints ?? []).filter((t) => !t.key.startsWith('node.kubernetes.io/'));
  const ready = readyCondition(node);
  if (!ready || ready.status === 'Unknown' || !nodeReachable(node, now)) {
    taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' });
  } else if (ready.status !== 'True') {
    taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' });
  }
  if (node.spec?.unschedulable) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  return taints;
}

export function tolerates(tolerations, taint) {
  return (tolerations ?? []).some(
    (t) =>
      (!t.effect || t.effect === taint.effect) &&
      ((t.operator === 'Exists' && (!t.key || t.key === taint.key)) || (t.key === taint.key && (t.value ?? '') === (taint.value ?? ''))),
  );
}

/** Tolerations the DaemonSet controller adds to every daemon pod (pkg/controller/daemon/util). */
export function daemonTolerations(podSpec) {
  const auto = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (podSpec.hostNetwork) auto.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return [...(podSpec.tolerations ?? []), ...auto];
}

/** Untolerated NoSchedule/NoExecute taints of a node for a pod spec. */
export function blockingTaints(node, tolerations, now) {
  return conditionTaints(node, now).filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tolerations, t));
}

function selectorMatches(node, podSpec) {
  const labels = node.metadata.labels ?? {};
  return Object.entries(podSpec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
}

/** Nodes a pod can run on, and kube-scheduler's "0/N nodes are available: …" when there are none. */
export function feasibleNodes(nodes, podSpec, now) {
  const reasons = new Map();
  const fit = [];
  for (const node of nodes) {
    if (!selectorMatches(node, podSpec)) {
      reasons.set("didn't match Pod's node affinity/selector", (reasons.get("didn't match Pod's node affinity/selector") ?? 0) + 1);
      continue;
    }
    const blocking = blockingTaints(node, podSpec.tolerations, now).filter((t) => t.effect === 'NoSchedule');
    if (blocking.length === 0) {
      fit.push(node);
      continue;
    }
    const t = blocking[0];
    const why = t.key === 'node.kubernetes.io/unschedulable' ? 'were unschedulable' : `had untolerated taint {${t.key}: ${t.value ?? ''}}`;
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const parts = [...reasons.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([why, n]) => `${n} node(s) ${why}`);
  const message = `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
  return { fit, message };
}
