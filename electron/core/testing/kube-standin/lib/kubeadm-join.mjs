/**
 * `kubeadm join`: preflight, token discovery, the cluster's kubeadm-config, for control planes
 * the uploaded certificates (decrypted with the certificate key) and a control plane of its own,
 * then the kubelet's TLS bootstrap (a real CSR signed by the cluster CA) and its start.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ApiClient } from './api-client.mjs';
import { argMap } from './config-docs.mjs';
import { out } from './cli.mjs';
import { parseCidr } from './cidr.mjs';
import { parseHostPort } from './config.mjs';
import { discover } from './kubeadm-discovery.mjs';
import { markControlPlane, waitForNode } from './kubeadm-cluster.mjs';
import { kubeletConfiguration, writeKubeletFiles, writeManifests } from './kubeadm-files.mjs';
import { pullImagesLines, runPreflight } from './kubeadm-init.mjs';
import { joinSuccessControlPlane, joinSuccessWorker, kubeletHealthy, kubeletUnhealthy, phaseError } from './kubeadm-output.mjs';
import { joinPki, SHARED_CERTS, secretKey, writeKubeconfigs, writeKubeletConf } from './kubeadm-pki.mjs';
import { buildKubeconfig, parseKubeconfig } from './kubeconfig.mjs';
import { restartKubelet, waitForKubelet } from './kubelet-control.mjs';
import { ADMIN_CONF, BOOTSTRAP_KUBELET_CONF, ETCD_DIR, KUBERNETES_DIR, PKI_DIR } from './paths.mjs';
import { decryptWithKey, newCsr, newKey, writePem } from './pki.mjs';
import { ensureKubeletAgent, primaryApiServer, waitForApiServer } from './processes.mjs';
import { ApiError } from './store.mjs';
import { nodeInfo } from './record.mjs';

async function downloadCerts(version, client, key) {
  out('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
  const phase = 'control-plane-prepare/download-certs';
  let secret;
  try {
    secret = await client.get('/api/v1/namespaces/kube-system/secrets/kubeadm-certs');
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) {
      throw phaseError(version, phase, 'error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one');
    }
    throw phaseError(version, phase, `error downloading certs: error downloading the secret: ${e.message}`);
  }
  const files = {};
  for (const file of SHARED_CERTS) {
    const blob = Buffer.from(secret.data?.[secretKey(file)] ?? '', 'base64');
    try {
      files[file] = decryptWithKey(key, blob);
    } catch (e) {
      throw phaseError(version, phase, `error downloading certs: error decoding secret data with provided key: ${e.message}`);
    }
  }
  out(`[download-certs] Saving the certificates to the folder: "/etc/kubernetes/pki"`);
  mkdirSync(join(PKI_DIR, 'etcd'), { recursive: true });
  for (const [file, data] of Object.entries(files)) writePem(join(PKI_DIR, file), data.toString('utf8'), file.endsWith('.key'));
}

/** The kubelet's TLS bootstrap: a CSR for system:node:<name>, signed by the cluster's CSR signer. */
async function tlsBootstrap(client, nodeName) {
  const key = newKey();
  const csr = newCsr(key, { cn: `system:node:${nodeName}`, org: ['system:nodes'] });
  const made = await client.post('/apis/certificates.k8s.io/v1/certificatesigningrequests', {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest',
    metadata: { generateName: 'csr-' },
    spec: { request: Buffer.from(csr).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] },
  });
  const cert = made.status?.certificate ? Buffer.from(made.status.certificate, 'base64').toString('utf8') : null;
  if (!cert) throw new Error(`the certificate signing request ${made.metadata?.name} was not approved`);
  return { cert, key };
}

/** o: { config (JoinConfiguration, defaulted), version, ignore }. */
export async function runJoin({ config, version, ignore }) {
  const join_ = config.join;
  const bt = join_.discovery.bootstrapToken;
  const token = bt.token ?? join_.discovery.tlsBootstrapToken;
  const nodeName = join_.nodeRegistration.name;
  const controlPlane = join_.controlPlane ?? null;
  const endpointParts = parseHostPort(bt.apiServerEndpoint);
  const endpoint = `${endpointParts.host.includes(':') ? `[${endpointParts.host}]` : endpointParts.host}:${endpointParts.port ?? 6443}`;

  out('[preflight] Running pre-flight checks');
  await runPreflight('join', { version, ignore });
  const { caCert, server } = await discover(version, { endpoint, token, caCertHashes: bt.caCertHashes, unsafeSkipCaVerification: bt.unsafeSkipCAVerification });
  const client = new ApiClient({ server, caCert, token });
  out('[preflight] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
  out("[preflight] Use 'kubeadm init phase upload-config --config your-config-file' to re-upload it.");
  let clusterConfig;
  let kubeletCm;
  try {
    clusterConfig = YAML.parse((await client.get('/api/v1/namespaces/kube-system/configmaps/kubeadm-config')).data.ClusterConfiguration);
    kubeletCm = YAML.parse((await client.get('/api/v1/namespaces/kube-system/configmaps/kubelet-config')).data.kubelet);
  } catch (e) {
    throw phaseError(version, 'preflight', `unable to fetch the kubeadm-config ConfigMap: ${e.message}`);
  }
  const existing = await client.find(`/api/v1/nodes/${nodeName}`).catch(() => null);
  const ready = existing?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  if (existing && ready) {
    throw phaseError(version, 'kubelet-start', `a Node with name "${nodeName}" and status "Ready" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node`);
  }

  const advertise = controlPlane?.localAPIEndpoint?.advertiseAddress ?? argMap(join_.nodeRegistration.kubeletExtraArgs)['node-ip'] ?? nodeInfo().address;
  if (controlPlane) {
    out('[preflight] Running pre-flight checks before initializing the new control plane instance');
    await runPreflight('control-plane', { version, ignore });
    pullImagesLines();
    if (controlPlane.certificateKey) await downloadCerts(version, client, controlPlane.certificateKey);
    const serviceCidr = parseCidr(clusterConfig.networking?.serviceSubnet ?? '10.96.0.0/12');
    const cpe = parseHostPort(clusterConfig.controlPlaneEndpoint ?? endpoint);
    try {
      joinPki({ nodeName, advertise, endpointHost: cpe?.host, serviceCidr, dnsDomain: clusterConfig.networking?.dnsDomain ?? 'cluster.local', certSANs: clusterConfig.apiServer?.certSANs });
    } catch {
      throw phaseError(version, 'control-plane-prepare/certs', 'error creating PKI assets: failure loading ca certificate authority: couldn\'t load the certificate file /etc/kubernetes/pki/ca.crt: open /etc/kubernetes/pki/ca.crt: no such file or directory');
    }
    out('[kubeconfig] Generating kubeconfig files');
    writeKubeconfigs({ files: ['admin.conf', 'controller-manager.conf', 'scheduler.conf'], nodeName, clusterName: clusterConfig.clusterName ?? 'kubernetes', endpointUrl: `https://${endpoint}`, localUrl: `https://${advertise}:6443` });
    out('[control-plane] Using manifest folder "/etc/kubernetes/manifests"');
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) out(`[control-plane] Creating static Pod manifest for "${c}"`);
    writeManifests({ version, advertise, bindPort: 6443, serviceCidr: serviceCidr.text, podSubnet: clusterConfig.networking?.podSubnet, nodeCidrMaskSize: 24, clusterName: clusterConfig.clusterName ?? 'kubernetes', nodeName, withEtcd: false });
    out('[check-etcd] Checking that the etcd cluster is healthy');
  }

  out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"');
  out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"');
  const kubeletConfig = kubeletConfiguration({ ...kubeletCm, ...(config.kubelet?.apiVersion ? config.kubelet : {}) }, { serviceCidr: parseCidr(clusterConfig.networking?.serviceSubnet ?? '10.96.0.0/12'), dnsDomain: clusterConfig.networking?.dnsDomain });
  writeKubeletFiles({ config: kubeletConfig, criSocket: join_.nodeRegistration.criSocket, nodeIp: advertise, nodeName, extraArgs: argMap(join_.nodeRegistration.kubeletExtraArgs) });
  mkdirSync(KUBERNETES_DIR, { recursive: true });
  writeFileSync(BOOTSTRAP_KUBELET_CONF, buildKubeconfig({ clusterName: 'kubernetes', server, caCert, user: { name: 'tls-bootstrap-token-user', token } }), { mode: 0o600 });
  mkdirSync(PKI_DIR, { recursive: true });
  writePem(join(PKI_DIR, 'ca.crt'), caCert);
  out('[kubelet-start] Starting the kubelet');
  restartKubelet();
  await ensureKubeletAgent();
  out('[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s');
  const ms = await waitForKubelet();
  if (ms === null) throw kubeletUnhealthy(version, 'kubelet-start');
  kubeletHealthy(ms);
  out('[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap');
  let creds;
  try {
    creds = await tlsBootstrap(client, nodeName);
  } catch (e) {
    throw phaseError(version, 'kubelet-start', `failed while waiting for the kubelet to start: ${e.message}`);
  }
  writeKubeletConf({ clusterName: 'default-cluster', userName: 'default-auth', server, certPem: creds.cert, keyPem: creds.key, caCert });
  rmSync(BOOTSTRAP_KUBELET_CONF, { force: true });
  const nodeClient = new ApiClient(parseKubeconfig(readFileSync(join(KUBERNETES_DIR, 'kubelet.conf'), 'utf8'), join(KUBERNETES_DIR, 'kubelet.conf')));
  try {
    await waitForNode(nodeClient, nodeName);
  } catch (e) {
    throw phaseError(version, 'kubelet-start', e.message);
  }

  if (!controlPlane) {
    joinSuccessWorker();
    return;
  }
  const primary = primaryApiServer(clusterConfig.clusterName ?? 'kubernetes');
  if (!primary) throw phaseError(version, 'control-plane-join/etcd', 'error creating local etcd static pod manifest file: etcdserver: re-configuration failed due to not enough started members');
  out('[etcd] Announced new etcd member joining to the existing etcd cluster');
  out('[etcd] Creating static Pod manifest for "etcd"');
  const initialCluster = `${primary.node}=https://${primary.address}:2380,${nodeName}=https://${advertise}:2380`;
  writeManifests({ version, advertise, bindPort: 6443, serviceCidr: clusterConfig.networking?.serviceSubnet ?? '10.96.0.0/12', podSubnet: null, nodeCidrMaskSize: 24, clusterName: clusterConfig.clusterName ?? 'kubernetes', nodeName, withControlPlane: false, initialCluster });
  mkdirSync(join(ETCD_DIR, 'member'), { recursive: true });
  writeFileSync(join(ETCD_DIR, 'member', 'standin-member.json'), `${JSON.stringify({ name: nodeName, peerURL: `https://${advertise}:2380`, initialCluster })}\n`);
  out('[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s');
  const admin = new ApiClient(parseKubeconfig(readFileSync(ADMIN_CONF, 'utf8'), ADMIN_CONF));
  if ((await waitForApiServer(new ApiClient({ ...admin.conn, server: `https://${advertise}:6443` }))) === null) {
    throw phaseError(version, 'control-plane-join/etcd', 'error creating local etcd static pod manifest file: timeout waiting for etcd cluster to be available');
  }
  out(`[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]`);
  out(`[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]`);
  await markControlPlane(admin, nodeName);
  joinSuccessControlPlane();
}
