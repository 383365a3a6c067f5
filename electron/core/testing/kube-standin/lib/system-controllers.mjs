/**
 * Loops that keep the cluster's own objects: the API server's bootstrap controller (the system
 * namespaces and the "kubernetes" Service), the token cleaner (expired bootstrap-token Secrets
 * go, and the garbage collector takes kubeadm-certs with its proxy token) and the bootstrap
 * signer (cluster-info carries a JWS per valid signing token).
 */
import { addressAt, parseCidr } from './cidr.mjs';
import { detachedJws, readTokenSecret } from './bootstrap-tokens.mjs';
import { T } from './scheduling.mjs';

export function systemObjects(store) {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!store.get(T.Namespace, null, name)) {
      store.create(T.Namespace, { metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    }
  }
  if (!store.get(T.Service, 'default', 'kubernetes')) {
    const ip = addressAt(parseCidr(store.meta.serviceCidr ?? '10.96.0.0/12'), 1);
    store.create(T.Service, {
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: ip, clusterIPs: [ip], type: 'ClusterIP', sessionAffinity: 'None', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
      status: { loadBalancer: {} },
    });
  }
}

export function tokenCleaner(store, now) {
  for (const s of store.list(T.Secret, 'kube-system').filter((x) => x.type === 'bootstrap.kubernetes.io/token')) {
    const { expiration } = readTokenSecret(s);
    if (expiration && expiration <= now) store.delete(T.Secret, 'kube-system', s.metadata.name);
  }
}

export function bootstrapSigner(store, now) {
  const info = store.get(T.ConfigMap, 'kube-public', 'cluster-info');
  if (!info?.data?.kubeconfig) return;
  const signatures = {};
  for (const s of store.list(T.Secret, 'kube-system').filter((x) => x.type === 'bootstrap.kubernetes.io/token')) {
    const t = readTokenSecret(s);
    if (t.usages.includes('signing') && (!t.expiration || t.expiration > now)) signatures[`jws-kubeconfig-${t.id}`] = detachedJws(info.data.kubeconfig, t.id, t.secret);
  }
  store.mutate(T.ConfigMap, 'kube-public', 'cluster-info', (cm) => {
    cm.data = { kubeconfig: cm.data.kubeconfig, ...signatures };
  });
}
