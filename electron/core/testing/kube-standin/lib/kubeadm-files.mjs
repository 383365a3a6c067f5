/**
 * Files kubeadm writes besides the PKI: the control plane's static pod manifests, the kubelet's
 * /var/lib/kubelet/config.yaml (KubeletConfiguration with kubeadm's defaults under the user's
 * settings) and kubeadm-flags.env.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { addressAt } from './cidr.mjs';
import { KUBELET_CONFIG, KUBELET_DIR, KUBELET_FLAGS, MANIFESTS_DIR } from './paths.mjs';

const ETCD = { 31: '3.5.15-0', 32: '3.5.16-0', 33: '3.5.21-0', 34: '3.6.4-0' };

function manifest(component, image, command, extra = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { labels: { component, tier: 'control-plane' }, name: component, namespace: 'kube-system', ...extra.metadata },
    spec: {
      containers: [{ command, image, imagePullPolicy: 'IfNotPresent', name: component, resources: { requests: { cpu: extra.cpu ?? '100m' } } }],
      hostNetwork: true,
      priority: 2000001000,
      priorityClassName: 'system-node-critical',
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    },
    status: {},
  };
}

/** The four static pod manifests of a control-plane node. */
export function writeManifests({ version, advertise, bindPort, serviceCidr, podSubnet, nodeCidrMaskSize, clusterName, nodeName, withEtcd = true, withControlPlane = true, initialCluster }) {
  mkdirSync(MANIFESTS_DIR, { recursive: true });
  const minor = Number(version.replace(/^v/, '').split('.')[1]);
  const write = (name, doc) => writeFileSync(join(MANIFESTS_DIR, `${name}.yaml`), YAML.stringify(doc, { lineWidth: 0, indentSeq: false }), { mode: 0o600 });
  if (withEtcd) {
    write('etcd', manifest('etcd', `registry.k8s.io/etcd:${ETCD[minor] ?? '3.6.4-0'}`, [
      'etcd', `--advertise-client-urls=https://${advertise}:2379`, '--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--client-cert-auth=true', '--data-dir=/var/lib/etcd',
      `--initial-advertise-peer-urls=https://${advertise}:2380`, `--initial-cluster=${initialCluster ?? `${nodeName}=https://${advertise}:2380`}`,
      ...(initialCluster ? ['--initial-cluster-state=existing'] : []), '--key-file=/etc/kubernetes/pki/etcd/server.key',
      `--listen-client-urls=https://127.0.0.1:2379,https://${advertise}:2379`, `--listen-peer-urls=https://${advertise}:2380`, `--name=${nodeName}`,
      '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt', '--peer-client-cert-auth=true', '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
      '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt', '--snapshot-count=10000', '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
    ], { metadata: { annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${advertise}:2379` } } }));
  }
  if (!withControlPlane) return;
  write('kube-apiserver', manifest('kube-apiserver', `registry.k8s.io/kube-apiserver:${version}`, [
    'kube-apiserver', `--advertise-address=${advertise}`, '--allow-privileged=true', '--authorization-mode=Node,RBAC', '--client-ca-file=/etc/kubernetes/pki/ca.crt',
    '--enable-admission-plugins=NodeRestriction', '--enable-bootstrap-token-auth=true', '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
    '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt', '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key', '--etcd-servers=https://127.0.0.1:2379',
    '--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt', '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
    '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname', `--secure-port=${bindPort}`, '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-account-key-file=/etc/kubernetes/pki/sa.pub', '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key', `--service-cluster-ip-range=${serviceCidr}`,
    '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt', '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
  ], { cpu: '250m', metadata: { annotations: { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${advertise}:${bindPort}` } } }));
  write('kube-controller-manager', manifest('kube-controller-manager', `registry.k8s.io/kube-controller-manager:${version}`, [
    'kube-controller-manager', ...(podSubnet ? ['--allocate-node-cidrs=true', `--cluster-cidr=${podSubnet}`, `--node-cidr-mask-size=${nodeCidrMaskSize}`] : []),
    '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf', '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf', '--bind-address=127.0.0.1',
    '--client-ca-file=/etc/kubernetes/pki/ca.crt', `--cluster-name=${clusterName}`, '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
    '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key', '--controllers=*,bootstrapsigner,tokencleaner', '--kubeconfig=/etc/kubernetes/controller-manager.conf',
    '--leader-elect=true', '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt', '--root-ca-file=/etc/kubernetes/pki/ca.crt',
    '--service-account-private-key-file=/etc/kubernetes/pki/sa.key', `--service-cluster-ip-range=${serviceCidr}`, '--use-service-account-credentials=true',
  ], { cpu: '200m' }));
  write('kube-scheduler', manifest('kube-scheduler', `registry.k8s.io/kube-scheduler:${version}`, [
    'kube-scheduler', '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf', '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf', '--bind-address=127.0.0.1',
    '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true',
  ]));
}

/** kubeadm's KubeletConfiguration defaults, the user's document on top. */
export function kubeletConfiguration(user, { serviceCidr, dnsDomain }) {
  const { apiVersion: _a, kind: _k, ...settings } = user ?? {};
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: { anonymous: { enabled: false }, webhook: { cacheTTL: '0s', enabled: true }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
    authorization: { mode: 'Webhook', webhook: { cacheAuthorizedTTL: '0s', cacheUnauthorizedTTL: '0s' } },
    cgroupDriver: 'systemd',
    clusterDNS: [addressAt(serviceCidr, 10)],
    clusterDomain: dnsDomain ?? 'cluster.local',
    containerRuntimeEndpoint: '',
    cpuManagerReconcilePeriod: '0s',
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    rotateCertificates: true,
    runtimeRequestTimeout: '0s',
    staticPodPath: '/etc/kubernetes/manifests',
    ...settings,
  };
}

/** kubelet-start: config.yaml and kubeadm-flags.env. */
export function writeKubeletFiles({ config, criSocket, nodeIp, nodeName, extraArgs = {} }) {
  mkdirSync(KUBELET_DIR, { recursive: true });
  const args = [`--container-runtime-endpoint=${criSocket}`, ...(nodeIp && !extraArgs['node-ip'] ? [`--node-ip=${nodeIp}`] : [])];
  for (const [k, v] of Object.entries(extraArgs)) args.push(`--${k}=${v}`);
  if (nodeName !== hostname().toLowerCase()) args.push(`--hostname-override=${nodeName}`);
  writeFileSync(KUBELET_FLAGS, `KUBELET_KUBEADM_ARGS="${args.join(' ')}"\n`);
  writeFileSync(KUBELET_CONFIG, YAML.stringify(config, { lineWidth: 0, indentSeq: false }));
}
