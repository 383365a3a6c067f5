/**
 * What kubeadm stores in the cluster through the API (phases upload-config, upload-certs,
 * mark-control-plane, bootstrap-token, addon): the kubeadm-config and kubelet-config ConfigMaps,
 * the encrypted kubeadm-certs Secret owned by a two-hour token, bootstrap tokens, cluster-info,
 * the control-plane label and taint, and the CoreDNS and kube-proxy add-ons.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { generateToken, tokenSecret } from './bootstrap-tokens.mjs';
import { addressAt } from './cidr.mjs';
import { SHARED_CERTS, secretKey } from './kubeadm-pki.mjs';
import { PKI_DIR } from './paths.mjs';
import { encryptWithKey } from './pki.mjs';
import { ApiError } from './store.mjs';

export const CERTS_TOKEN_TTL_MS = 2 * 3_600_000;
export const CONTROL_PLANE_TAINT = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/** Creates the object, or replaces it when it exists (kubeadm's apiclient.CreateOrUpdate…). */
export async function upsert(client, collection, obj) {
  try {
    return await client.post(collection, obj);
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) throw e;
    const current = await client.get(`${collection}/${obj.metadata.name}`);
    return client.put(`${collection}/${obj.metadata.name}`, { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } });
  }
}

const cm = (namespace, name, data) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });

export async function uploadConfig(client, clusterConfiguration, kubeletConfiguration) {
  await upsert(client, '/api/v1/namespaces/kube-system/configmaps', cm('kube-system', 'kubeadm-config', { ClusterConfiguration: YAML.stringify(clusterConfiguration, { lineWidth: 0, indentSeq: false }) }));
  await upsert(client, '/api/v1/namespaces/kube-system/configmaps', cm('kube-system', 'kubelet-config', { kubelet: YAML.stringify(kubeletConfiguration, { lineWidth: 0, indentSeq: false }) }));
}

/** A bootstrap token Secret; returns the token. */
export async function createToken(client, { token = generateToken(), ttlMs = 24 * 3_600_000, description, usages, groups } = {}) {
  const secret = tokenSecret({ token, ttlMs, description, usages, groups });
  await upsert(client, '/api/v1/namespaces/kube-system/secrets', secret);
  return token;
}

/** upload-certs: the shared CA keys, encrypted with `key`, in a Secret that lives as long as its 2-hour token. */
export async function uploadCerts(client, key) {
  const proxy = generateToken();
  const owner = await client.post('/api/v1/namespaces/kube-system/secrets', tokenSecret({
    token: proxy, ttlMs: CERTS_TOKEN_TTL_MS, description: 'Proxy for managing TTL for the kubeadm-certs secret', usages: [], groups: [],
  }));
  const data = {};
  for (const file of SHARED_CERTS) data[secretKey(file)] = encryptWithKey(key, readFileSync(join(PKI_DIR, file))).toString('base64');
  await upsert(client, '/api/v1/namespaces/kube-system/secrets', {
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data,
    metadata: { name: 'kubeadm-certs', namespace: 'kube-system', ownerReferences: [{ apiVersion: 'v1', kind: 'Secret', name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }] },
  });
}

/** cluster-info in kube-public: the CA and server every joining node discovers first. */
export async function clusterInfo(client, { server, caCert }) {
  const kubeconfig = {
    apiVersion: 'v1', clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(caCert).toString('base64'), server }, name: '' }],
    contexts: null, 'current-context': '', kind: 'Config', preferences: {}, users: null,
  };
  await upsert(client, '/api/v1/namespaces/kube-public/configmaps', cm('kube-public', 'cluster-info', { kubeconfig: YAML.stringify(kubeconfig, { lineWidth: 0, indentSeq: false }) }));
}

export async function markControlPlane(client, nodeName) {
  const node = await client.get(`/api/v1/nodes/${nodeName}`);
  const taints = [...(node.spec?.taints ?? []).filter((t) => t.key !== CONTROL_PLANE_TAINT.key), CONTROL_PLANE_TAINT];
  await client.patch(`/api/v1/nodes/${nodeName}`, {
    metadata: { labels: { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } },
    spec: { taints },
  });
}

/** Waits for the kubelet to register the node. */
export async function waitForNode(client, name, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const node = await client.find(`/api/v1/nodes/${name}`);
    if (node) return node;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the condition: node "${name}" was not registered`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function addonCoreDns(client, { serviceCidr, dnsDomain }) {
  const ns = '/api/v1/namespaces/kube-system';
  await upsert(client, `${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system' } });
  await upsert(client, `${ns}/configmaps`, cm('kube-system', 'coredns', {
    Corefile: `.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes ${dnsDomain} in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30 {\n       disable success ${dnsDomain}\n       disable denial ${dnsDomain}\n    }\n    loop\n    reload\n    loadbalance\n}\n`,
  }));
  const labels = { 'k8s-app': 'kube-dns' };
  await upsert(client, '/apis/apps/v1/namespaces/kube-system/deployments', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system', labels },
    spec: {
      replicas: 2, selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: 'system-cluster-critical', serviceAccountName: 'coredns', dnsPolicy: 'Default', nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
          containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.12.1', args: ['-conf', '/etc/coredns/Corefile'], ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' }, { containerPort: 9153, name: 'metrics', protocol: 'TCP' }], volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }] }],
          volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
        },
      },
    },
  });
  const ip = addressAt(serviceCidr, 10);
  await upsert(client, `${ns}/services`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { ...labels, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
    spec: { clusterIP: ip, selector: labels, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }, { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 }] },
  });
}

export async function addonKubeProxy(client, { version, podSubnet, endpointUrl }) {
  const ns = '/api/v1/namespaces/kube-system';
  await upsert(client, `${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-proxy', namespace: 'kube-system' } });
  await upsert(client, `${ns}/configmaps`, cm('kube-system', 'kube-proxy', {
    'config.conf': YAML.stringify({ apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', bindAddress: '0.0.0.0', clusterCIDR: podSubnet ?? '', clientConnection: { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' }, mode: '' }),
    'kubeconfig.conf': `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    server: ${endpointUrl}\n  name: default\n`,
  }));
  const labels = { 'k8s-app': 'kube-proxy' };
  await upsert(client, '/apis/apps/v1/namespaces/kube-system/daemonsets', {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-proxy', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccountName: 'kube-proxy', nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          containers: [{ name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:${version}`, command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'], securityContext: { privileged: true } }],
        },
      },
    },
  });
}
