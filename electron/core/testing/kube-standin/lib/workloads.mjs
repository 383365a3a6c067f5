/**
 * Pods made from templates, the way the workload controllers name and label them: DaemonSet
 * pods "<ds>-<5 chars>", ReplicaSets "<deploy>-<pod-template-hash>", their pods
 * "<rs>-<5 chars>", static (mirror) pods "<component>-<node>".
 */
import { createHash } from 'node:crypto';
import { randomSuffix, rfc3339 } from './format.mjs';

/** kube-controller-manager's pod-template-hash: a short, safe-encoded hash of the template. */
export function templateHash(template) {
  const h = createHash('sha256').update(JSON.stringify(template ?? {})).digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 10; i++) s += alphabet[h[i] % alphabet.length];
  return s;
}

export const ownerRef = (owner) => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
});

export const ownedBy = (obj, owner) => (obj.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);

/** The projected service-account token volume every pod gets (kube-api-access-xxxxx). */
function apiAccessVolume() {
  return {
    name: `kube-api-access-${randomSuffix(5)}`,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** A pod object from a workload's template (not yet stored). */
export function podFromTemplate({ name, namespace, template, owner, extraLabels = {}, nodeName, tolerations }) {
  const spec = JSON.parse(JSON.stringify(template?.spec ?? {}));
  const access = apiAccessVolume();
  spec.volumes = [...(spec.volumes ?? []), access];
  spec.containers = (spec.containers ?? []).map((c) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), { name: access.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }));
  spec.serviceAccountName = spec.serviceAccountName ?? 'default';
  spec.serviceAccount = spec.serviceAccountName;
  spec.restartPolicy = spec.restartPolicy ?? 'Always';
  spec.dnsPolicy = spec.dnsPolicy ?? 'ClusterFirst';
  spec.schedulerName = 'default-scheduler';
  if (tolerations) spec.tolerations = tolerations;
  if (nodeName) spec.nodeName = nodeName;
  return {
    metadata: {
      name,
      namespace,
      labels: { ...(template?.metadata?.labels ?? {}), ...extraLabels },
      annotations: { ...(template?.metadata?.annotations ?? {}) },
      ...(owner ? { ownerReferences: [ownerRef(owner)] } : {}),
    },
    spec,
    status: { phase: 'Pending', ...(nodeName ? { startTime: rfc3339() } : {}) },
  };
}

export function daemonPodName(ds) {
  return `${ds.metadata.name}-${randomSuffix(5)}`;
}

export function replicaPodName(rs) {
  return `${rs.metadata.name}-${randomSuffix(5)}`;
}

const ETCD_IMAGE = { '1.31': '3.5.15-0', '1.32': '3.5.16-0', '1.33': '3.5.21-0', '1.34': '3.6.4-0' };

/** The control-plane static pods kubeadm's manifests describe, as the kubelet mirrors them. */
export function staticPods(node, version) {
  const minor = version.replace(/^v/, '').split('.').slice(0, 2).join('.');
  const components = [
    ['etcd', `registry.k8s.io/etcd:${ETCD_IMAGE[minor] ?? '3.6.4-0'}`],
    ['kube-apiserver', `registry.k8s.io/kube-apiserver:${version}`],
    ['kube-controller-manager', `registry.k8s.io/kube-controller-manager:${version}`],
    ['kube-scheduler', `registry.k8s.io/kube-scheduler:${version}`],
  ];
  return components.map(([component, image]) => ({
    metadata: {
      name: `${component}-${node.metadata.name}`,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
      annotations: { 'kubernetes.io/config.mirror': randomSuffix(32), 'kubernetes.io/config.source': 'file' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid, controller: true }],
    },
    spec: {
      nodeName: node.metadata.name,
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      priority: 2000001000,
      containers: [{ name: component, image, command: [component] }],
      tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
    },
    status: { phase: 'Pending', startTime: rfc3339() },
  }));
}
