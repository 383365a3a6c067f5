/**
 * `kubeadm init`: the phases in kubeadm's order, each printing kubeadm's lines and doing the
 * real thing on the node — preflight against the node's state, the PKI with openssl, kubeconfig
 * files, static pod manifests, kubelet config, the control plane started (the stand-in API
 * server), health waits over HTTP(S), then the cluster objects through the API it just started.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from './api-client.mjs';
import { out } from './cli.mjs';
import { parseHostPort } from './config.mjs';
import { addonCoreDns, addonKubeProxy, clusterInfo, createToken, markControlPlane, uploadCerts, uploadConfig, waitForNode } from './kubeadm-cluster.mjs';
import { kubeletConfiguration, writeKubeletFiles, writeManifests } from './kubeadm-files.mjs';
import { finding, initSuccess, kubeletHealthy, kubeletUnhealthy, measured, minorOf, phaseError, preflightFailure } from './kubeadm-output.mjs';
import { initPki, writeKubeconfigs, writeKubeletConf } from './kubeadm-pki.mjs';
import { imagePullError, preflight } from './kubeadm-preflight.mjs';
import { caCertHash } from './pki.mjs';
import { parseKubeconfig } from './kubeconfig.mjs';
import { ADMIN_CONF, KUBELET_CONF, PKI_DIR } from './paths.mjs';
import { ensureKubeletAgent, waitForApiServer } from './processes.mjs';
import { record } from './record.mjs';
import { consumeFault } from './faults.mjs';
import { restartKubelet, waitForKubelet } from './kubelet-control.mjs';
import { argMap } from './config-docs.mjs';
import { parseDuration } from './bootstrap-tokens.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs an API step of a phase; a failure ends kubeadm with the phase's error (Go's wording of the cause). */
export async function inPhase(version, phase, what, fn) {
  try {
    return await fn();
  } catch (e) {
    throw phaseError(version, phase, `${what}: ${e.message}`);
  }
}

/** Preflight output and verdict shared by init and join. */
export async function runPreflight(role, { version, ignore, extra = [] }) {
  const findings = [...(await preflight(role, { version, ignore })), ...extra];
  findings.filter((f) => f.kind === 'warning').forEach((f) => out(finding(f)));
  const errors = findings.filter((f) => f.kind === 'error');
  if (errors.length) throw preflightFailure(version, errors);
}

export function pullImagesLines() {
  out('[preflight] Pulling images required for setting up a Kubernetes cluster');
  out('[preflight] This might take a minute or two, depending on the speed of your internet connection');
  out("[preflight] You can also perform this action beforehand using 'kubeadm config images pull'");
}

/**
 * o: { config (loadKubeadmConfig's), version (resolved v1.x.y), uploadCerts, certificateKey,
 * skipPhases: Set, ignore: string[], skipTokenPrint }.
 */
export async function runInit(o) {
  const { config, version, skipPhases } = o;
  const skip = (phase) => skipPhases.has(phase) || [...skipPhases].some((p) => phase.startsWith(`${p}/`));
  const { init, cluster } = config;
  const nodeName = init.nodeRegistration.name;
  const advertise = init.localAPIEndpoint.advertiseAddress;
  const bindPort = init.localAPIEndpoint.bindPort ?? 6443;
  const cpe = cluster.controlPlaneEndpoint ? parseHostPort(cluster.controlPlaneEndpoint) : null;
  const endpoint = cpe ? `${cpe.host.includes(':') ? `[${cpe.host}]` : cpe.host}:${cpe.port ?? bindPort}` : `${advertise}:${bindPort}`;
  const endpointUrl = `https://${endpoint}`;
  const localUrl = `https://${advertise}:${bindPort}`;
  const serviceCidr = cluster.serviceCidr;
  const podSubnet = cluster.podCidr?.text ?? null;

  out(`[init] Using Kubernetes version: ${version}`);
  if (!skip('preflight')) {
    out('[preflight] Running pre-flight checks');
    await runPreflight('init', { version, ignore: o.ignore, extra: o.extraFindings ?? [] });
    pullImagesLines();
    const pull = imagePullError(version);
    if (pull) throw preflightFailure(version, [pull]);
  }
  if (!skip('certs')) initPki({ nodeName, advertise, endpointHost: cpe?.host, serviceCidr, dnsDomain: cluster.networking.dnsDomain, certSANs: cluster.apiServer?.certSANs });
  if (!skip('kubeconfig')) {
    writeKubeconfigs({ files: ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf'], nodeName, clusterName: cluster.clusterName, endpointUrl, localUrl });
  }
  out('[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"');
  out('[control-plane] Using manifest folder "/etc/kubernetes/manifests"');
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) out(`[control-plane] Creating static Pod manifest for "${c}"`);
  writeManifests({ version, advertise, bindPort, serviceCidr: serviceCidr.text, podSubnet, nodeCidrMaskSize: cluster.nodeCidrMaskSize, clusterName: cluster.clusterName, nodeName });

  const kubeletConfig = kubeletConfiguration(config.kubelet, { serviceCidr, dnsDomain: cluster.networking.dnsDomain });
  out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"');
  out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"');
  writeKubeletFiles({ config: kubeletConfig, criSocket: init.nodeRegistration.criSocket, nodeIp: advertise, nodeName, extraArgs: argMap(init.nodeRegistration.kubeletExtraArgs) });
  out('[kubelet-start] Starting the kubelet');
  restartKubelet();
  await ensureKubeletAgent();

  out('[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"');
  if (consumeFault('slow-init')) await sleep(20_000);
  out('[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s');
  const kubeletMs = await waitForKubelet();
  if (kubeletMs === null) throw kubeletUnhealthy(version, 'wait-control-plane');
  kubeletHealthy(kubeletMs);

  const admin = new ApiClient(parseKubeconfig(readFileSync(ADMIN_CONF, 'utf8'), ADMIN_CONF));
  const local = new ApiClient({ ...parseKubeconfig(readFileSync(ADMIN_CONF, 'utf8'), ADMIN_CONF), server: localUrl });
  if (minorOf(version) >= 33) {
    out('[control-plane-check] Waiting for healthy control plane components. This can take up to 4m0s');
    out(`[control-plane-check] Checking kube-apiserver at ${localUrl}/livez`);
    out('[control-plane-check] Checking kube-controller-manager at https://127.0.0.1:10257/healthz');
    out('[control-plane-check] Checking kube-scheduler at https://127.0.0.1:10259/livez');
    const ms = await waitForApiServer(local);
    if (ms === null) throw phaseError(version, 'wait-control-plane', `failed while waiting for the control plane to start: kube-apiserver check failed at ${localUrl}/livez: Get "${localUrl}/livez?timeout=10s": dial tcp ${advertise}:${bindPort}: connect: connection refused`);
    out(`[control-plane-check] kube-controller-manager is healthy after ${measured(ms + 200)}`);
    out(`[control-plane-check] kube-scheduler is healthy after ${measured(ms + 300)}`);
    out(`[control-plane-check] kube-apiserver is healthy after ${measured(ms + 500)}`);
  } else {
    out('[api-check] Waiting for a healthy API server. This can take up to 4m0s');
    const ms = await waitForApiServer(local);
    if (ms === null) throw phaseError(version, 'wait-control-plane', 'failed while waiting for the API server: timed out waiting for the condition');
    out(`[api-check] The API server is healthy after ${measured(ms + 500)}`);
  }

  const clusterConfiguration = {
    apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', ...Object.fromEntries(Object.entries(cluster).filter(([k]) => !['podCidr', 'serviceCidr', 'nodeCidrMaskSize'].includes(k))),
    kubernetesVersion: version, controlPlaneEndpoint: endpoint,
  };
  out('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace');
  out('[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system with the configuration for the kubelets in the cluster');
  await inPhase(version, 'upload-config/kubeadm', 'error uploading the kubeadm ClusterConfiguration', () => uploadConfig(admin, clusterConfiguration, kubeletConfig));

  let certificateKey = null;
  if (o.uploadCerts && !skip('upload-certs')) {
    certificateKey = o.certificateKey ?? init.certificateKey ?? randomBytes(32).toString('hex');
    out('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
    await inPhase(version, 'upload-certs', 'error uploading certs', () => uploadCerts(admin, certificateKey));
    out('[upload-certs] Using certificate key:');
    out(certificateKey);
  } else out('[upload-certs] Skipping phase. Please see --upload-certs');
  if (consumeFault('init-exit-after-upload-certs')) {
    // Dies like a killed process: no further output, no cleanup.
    record('kubeadm', process.argv.slice(2), 137);
    process.kill(process.pid, 'SIGKILL');
  }

  await inPhase(version, 'mark-control-plane', 'error applying control-plane label and taints', () => waitForNode(admin, nodeName));
  if (!skip('mark-control-plane')) {
    out(`[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]`);
    out(`[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]`);
    await inPhase(version, 'mark-control-plane', 'error applying control-plane label and taints', () => markControlPlane(admin, nodeName));
  }
  const tokens = (init.bootstrapTokens?.length ? init.bootstrapTokens : [{}]).map((t) => ({ token: t.token, ttl: t.ttl, description: t.description, usages: t.usages, groups: t.groups }));
  let token = null;
  if (!skip('bootstrap-token')) {
    for (const t of tokens) {
      const ttlMs = t.ttl !== undefined ? parseDuration(t.ttl) : 24 * 3_600_000;
      const made = await inPhase(version, 'bootstrap-token', 'error updating or creating token', () => createToken(admin, { token: t.token, ttlMs, description: t.description ?? (t.token ? undefined : "The default bootstrap token generated by 'kubeadm init'."), usages: t.usages, groups: t.groups }));
      token = token ?? made;
    }
    out(`[bootstrap-token] Using token: ${o.skipTokenPrint ? '<value withheld>' : token}`);
    out('[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles');
    out('[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to get nodes');
    out('[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials');
    out('[bootstrap-token] Configured RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token');
    out('[bootstrap-token] Configured RBAC rules to allow certificate rotation for all node client certificates in the cluster');
    out('[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace');
    await inPhase(version, 'bootstrap-token', 'error creating bootstrap ConfigMap', () => clusterInfo(admin, { server: endpointUrl, caCert: readFileSync(join(PKI_DIR, 'ca.crt'), 'utf8') }));
  }
  out('[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client certificate and key');
  const kubelet = parseKubeconfig(readFileSync(KUBELET_CONF, 'utf8'), KUBELET_CONF);
  writeKubeletConf({ clusterName: cluster.clusterName, userName: `system:node:${nodeName}`, server: endpointUrl, certPem: kubelet.cert, keyPem: kubelet.key, caCert: kubelet.caCert });
  if (!skip('addon/coredns')) {
    await inPhase(version, 'addon/coredns', 'unable to create deployment', () => addonCoreDns(admin, { serviceCidr, dnsDomain: cluster.networking.dnsDomain }));
    out('[addons] Applied essential addon: CoreDNS');
  }
  if (!skip('addon/kube-proxy')) {
    await inPhase(version, 'addon/kube-proxy', 'unable to create daemonset', () => addonKubeProxy(admin, { version, podSubnet, endpointUrl }));
    out('[addons] Applied essential addon: kube-proxy');
  }
  if (skip('show-join-command')) return;
  const hash = caCertHash(readFileSync(join(PKI_DIR, 'ca.crt'), 'utf8'));
  initSuccess({ endpoint, token: o.skipTokenPrint || !token ? '<value withheld>' : token, hash, certificateKey: o.skipTokenPrint ? '<value withheld>' : certificateKey, controlPlaneEndpoint: Boolean(cpe) });
}
