/**
 * What a teardown destroys, read from the API server's own lists (`kubectl get … -o json`):
 * PersistentVolumes (those on a node's disk called out: a reinstall erases their data), Secrets a
 * person made (not the tokens Kubernetes mints itself), and namespaces beyond the system ones.
 * Pure: the caller fetches the JSON, these only read metadata — secret values are never kept.
 */
import type { TeardownLoss } from '../../../../shared/domain/cluster-record';
import { SYSTEM_NAMESPACES } from './constants';

interface KubeList<T> {
  items?: T[];
}

interface Meta {
  metadata?: { name?: string; namespace?: string };
}

interface NodeSelectorTerm {
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

interface PersistentVolume extends Meta {
  spec?: {
    capacity?: { storage?: string };
    local?: { path?: string };
    hostPath?: { path?: string };
    nfs?: { server?: string; path?: string };
    csi?: { driver?: string };
    claimRef?: { namespace?: string; name?: string };
    persistentVolumeReclaimPolicy?: string;
    nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
  };
}

interface Secret extends Meta {
  type?: string;
}

const items = <T>(json: unknown): T[] => {
  const list = json as KubeList<T> | null;
  return Array.isArray(list?.items) ? list.items : [];
};

/** The node(s) a local PV is pinned to through kubernetes.io/hostname in its node affinity. */
function pinnedNodes(pv: PersistentVolume): string[] {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  return terms.flatMap((t) => (t.matchExpressions ?? []).filter((e) => e.key === 'kubernetes.io/hostname' && e.operator === 'In').flatMap((e) => e.values ?? []));
}

function describeVolume(pv: PersistentVolume): { detail: string; onNodeDisk: boolean } {
  const spec = pv.spec ?? {};
  const size = spec.capacity?.storage ?? 'unknown size';
  const claim = spec.claimRef?.name ? `, claimed by ${spec.claimRef.namespace ?? 'default'}/${spec.claimRef.name}` : '';
  const nodes = pinnedNodes(pv);
  const where = nodes.length > 0 ? `${nodes.join(', ')}:` : '';
  const diskNote = "its data lives on the node's disk: the backup does not keep it and an OS reinstall erases it";
  if (spec.local?.path) return { detail: `${size} local volume on ${where || 'a node:'}${spec.local.path}${claim} (${diskNote})`, onNodeDisk: true };
  if (spec.hostPath?.path) return { detail: `${size} hostPath ${where}${spec.hostPath.path}${claim} (${diskNote})`, onNodeDisk: true };
  if (spec.nfs?.server) return { detail: `${size} NFS ${spec.nfs.server}:${spec.nfs.path ?? '/'}${claim} (the data stays on the NFS server; the volume object is lost)`, onNodeDisk: false };
  const driver = spec.csi?.driver ? `CSI ${spec.csi.driver}` : 'volume';
  const policy = spec.persistentVolumeReclaimPolicy ?? 'unknown';
  return { detail: `${size} ${driver}${claim} (reclaim policy ${policy}: what happens to the data depends on the storage)`, onNodeDisk: false };
}

/** Every PV, the ones whose data sits on a node's disk first. */
export function persistentVolumeLosses(json: unknown): TeardownLoss[] {
  const described = items<PersistentVolume>(json).map((pv) => ({ name: pv.metadata?.name ?? '(unnamed)', ...describeVolume(pv) }));
  described.sort((a, b) => Number(b.onNodeDisk) - Number(a.onNodeDisk) || a.name.localeCompare(b.name));
  return described.map(({ name, detail }) => ({ kind: 'persistent-volume', name, detail }));
}

/** Secrets Kubernetes mints and re-mints on its own: nobody loses anything with them. */
function isMintedByKubernetes(secret: Secret): boolean {
  if (secret.type === 'kubernetes.io/service-account-token') return true;
  const ns = secret.metadata?.namespace;
  const name = secret.metadata?.name ?? '';
  // Join tokens and the upload-certs copy of the CA keys: the PKI tarball in the backup has those.
  return ns === 'kube-system' && (secret.type === 'bootstrap.kubernetes.io/token' || name === 'kubeadm-certs');
}

export function secretLosses(json: unknown): TeardownLoss[] {
  return items<Secret>(json)
    .filter((s) => !isMintedByKubernetes(s))
    .map((s) => ({ ns: s.metadata?.namespace ?? 'default', name: s.metadata?.name ?? '(unnamed)', type: s.type ?? 'Opaque' }))
    .sort((a, b) => a.ns.localeCompare(b.ns) || a.name.localeCompare(b.name))
    .map((s) => ({ kind: 'secret', name: `${s.ns}/${s.name}`, detail: `${s.type} in namespace ${s.ns}` }));
}

export function namespaceLosses(json: unknown): TeardownLoss[] {
  return items<Meta>(json)
    .map((n) => n.metadata?.name ?? '')
    .filter((name) => name && !SYSTEM_NAMESPACES.has(name))
    .sort()
    .map((name) => ({ kind: 'namespace', name, detail: 'the namespace and every object in it' }));
}
