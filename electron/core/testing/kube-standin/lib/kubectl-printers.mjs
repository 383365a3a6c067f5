/**
 * kubectl's table columns per resource (the API server's Table handlers in
 * pkg/printers/internalversion), with -o wide additions, as kubectl prints them.
 */
import { humanDuration } from './format.mjs';

const age = (o, now) => humanDuration(now - Date.parse(o.metadata?.creationTimestamp ?? new Date(now).toISOString()));
const labelsOf = (o) => o.metadata?.labels ?? {};

function nodeStatus(n) {
  const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready');
  let s = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown';
  if (n.spec?.unschedulable) s += ',SchedulingDisabled';
  return s;
}

function roles(n) {
  const r = Object.keys(labelsOf(n)).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).filter(Boolean);
  return r.length ? r.sort().join(',') : '<none>';
}

/** The STATUS column of a pod: a waiting/terminated reason wins over the phase. */
export function podPhaseText(p) {
  const statuses = p.status?.containerStatuses ?? [];
  for (const c of statuses) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason) return c.state.terminated.reason;
  }
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  return p.status?.phase ?? 'Pending';
}

function restarts(p, now) {
  const statuses = p.status?.containerStatuses ?? [];
  const count = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const last = statuses.map((c) => c.lastState?.terminated?.finishedAt).filter(Boolean).sort().pop();
  return last && count > 0 ? `${count} (${humanDuration(now - Date.parse(last))} ago)` : String(count);
}

const nodeIp = (n, type) => (n.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';

const TABLES = {
  nodes: {
    head: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    row: (n, now) => [n.metadata.name, nodeStatus(n), roles(n), age(n, now), n.status?.nodeInfo?.kubeletVersion ?? ''],
    wideHead: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
    wide: (n) => [nodeIp(n, 'InternalIP'), nodeIp(n, 'ExternalIP'), n.status?.nodeInfo?.osImage ?? '', n.status?.nodeInfo?.kernelVersion ?? '', n.status?.nodeInfo?.containerRuntimeVersion ?? ''],
  },
  pods: {
    head: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    row: (p, now) => {
      const cs = p.status?.containerStatuses ?? [];
      const total = (p.spec?.containers ?? []).length;
      return [p.metadata.name, `${cs.filter((c) => c.ready).length}/${total}`, podPhaseText(p), restarts(p, now), age(p, now)];
    },
    wideHead: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
    wide: (p) => [p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>', '<none>', '<none>'],
  },
  daemonsets: {
    head: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
    row: (d, now) => {
      const s = d.status ?? {};
      const sel = Object.entries(d.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
      return [d.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0, sel, age(d, now)];
    },
  },
  deployments: {
    head: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    row: (d, now) => [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, age(d, now)],
  },
  replicasets: {
    head: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
    row: (r, now) => [r.metadata.name, r.spec?.replicas ?? 0, r.status?.replicas ?? 0, r.status?.readyReplicas ?? 0, age(r, now)],
  },
  services: {
    head: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    row: (s, now) => [s.metadata.name, s.spec?.type ?? 'ClusterIP', s.spec?.clusterIP ?? '<none>', '<none>', (s.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>', age(s, now)],
  },
  namespaces: { head: ['NAME', 'STATUS', 'AGE'], row: (n, now) => [n.metadata.name, n.status?.phase ?? 'Active', age(n, now)] },
  configmaps: { head: ['NAME', 'DATA', 'AGE'], row: (c, now) => [c.metadata.name, Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length, age(c, now)] },
  secrets: { head: ['NAME', 'TYPE', 'DATA', 'AGE'], row: (s, now) => [s.metadata.name, s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, age(s, now)] },
  serviceaccounts: { head: ['NAME', 'SECRETS', 'AGE'], row: (s, now) => [s.metadata.name, (s.secrets ?? []).length, age(s, now)] },
  persistentvolumes: {
    head: ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'],
    row: (v, now) => {
      const modes = (v.spec?.accessModes ?? []).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(',');
      const claim = v.spec?.claimRef ? `${v.spec.claimRef.namespace}/${v.spec.claimRef.name}` : '';
      return [v.metadata.name, v.spec?.capacity?.storage ?? '', modes, v.spec?.persistentVolumeReclaimPolicy ?? 'Retain', v.status?.phase ?? 'Available', claim, v.spec?.storageClassName ?? '', '<unset>', v.status?.reason ?? '', age(v, now)];
    },
  },
  persistentvolumeclaims: {
    head: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'],
    row: (c, now) => [c.metadata.name, c.status?.phase ?? 'Pending', c.spec?.volumeName ?? '', c.status?.capacity?.storage ?? '', (c.status?.accessModes ?? []).join(','), c.spec?.storageClassName ?? '', '<unset>', age(c, now)],
  },
  customresourcedefinitions: { head: ['NAME', 'CREATED AT'], row: (c) => [c.metadata.name, c.metadata.creationTimestamp] },
  certificatesigningrequests: {
    head: ['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION'],
    row: (c, now) => [c.metadata.name, age(c, now), c.spec?.signerName ?? '', c.spec?.username ?? '', '<none>', (c.status?.conditions ?? []).map((x) => x.type).join(',') + (c.status?.certificate ? ',Issued' : '') || 'Pending'],
  },
};

/** Table rows (header first) for `items` of resource `plural`. */
export function tableRows(plural, items, { wide = false, namespaced = false, allNamespaces = false, noHeaders = false, showLabels = false }, now = Date.now()) {
  const t = TABLES[plural] ?? { head: ['NAME', 'AGE'], row: (o, n) => [o.metadata.name, age(o, n)] };
  const head = [...(allNamespaces && namespaced ? ['NAMESPACE'] : []), ...t.head, ...(wide && t.wideHead ? t.wideHead : []), ...(showLabels ? ['LABELS'] : [])];
  const rows = items.map((o) => [
    ...(allNamespaces && namespaced ? [o.metadata.namespace] : []),
    ...t.row(o, now),
    ...(wide && t.wide ? t.wide(o) : []),
    ...(showLabels ? [Object.entries(labelsOf(o)).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'] : []),
  ]);
  return noHeaders ? rows : [head, ...rows];
}
