/**
 * kubeadm's configuration: the documents of a --config file, defaulted and validated the way
 * kubeadm's validation (cmd/kubeadm/app/apis/kubeadm/validation) reports problems: one
 * "<field>: Invalid value: "<v>": <why>" per problem, several joined as "[a, b]".
 */
import { argMap, readDocuments } from './config-docs.mjs';
import { isIpAddress, overlaps, parseCidr } from './cidr.mjs';
import { nodeInfo } from './record.mjs';
import { hostname } from 'node:os';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const CERT_KEY = /^[0-9a-f]{64}$/;
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DEFAULT_CRI_SOCKET = 'unix:///var/run/containerd/containerd.sock';

export class ConfigError extends Error {}

const invalid = (field, value, why) => `${field}: Invalid value: ${JSON.stringify(String(value ?? ''))}: ${why}`;
const required = (field, why) => `${field}: Required value: ${why}`;

/** "v1.34.1" / "1.34" / "stable-1.34" → { minor: '1.34', exact: 'v1.34.1' | null, label: bool } or null. */
export function parseKubernetesVersion(v) {
  const s = String(v ?? '').trim();
  let m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(s);
  if (m) return { minor: `${m[1]}.${m[2]}`, exact: m[3] !== undefined ? `v${m[1]}.${m[2]}.${m[3]}` : null, label: false };
  m = /^(?:stable|latest)-(\d+)\.(\d+)$/.exec(s);
  if (m) return { minor: `${m[1]}.${m[2]}`, exact: null, label: true };
  if (/^(stable|latest)(-\d+)?$/.test(s)) return { minor: null, exact: null, label: true };
  return null;
}

function checkNodeRegistration(nr = {}, errors) {
  if (nr.name !== undefined && !DNS_SUBDOMAIN.test(nr.name)) errors.push(invalid('nodeRegistration.name', nr.name, SUBDOMAIN_MSG));
  if (nr.criSocket !== undefined && !/^(unix|npipe):\/\/\/?\S+$/.test(nr.criSocket)) {
    errors.push(invalid('nodeRegistration.criSocket', nr.criSocket, 'the URL scheme must be unix:// or npipe://'));
  }
}

function checkEndpoint(ep, field, errors) {
  if (!ep) return;
  if (ep.advertiseAddress !== undefined && !isIpAddress(ep.advertiseAddress)) {
    errors.push(invalid(`${field}.advertiseAddress`, ep.advertiseAddress, 'cannot parse IP address'));
  }
  if (ep.bindPort !== undefined && !(Number.isInteger(ep.bindPort) && ep.bindPort > 0 && ep.bindPort < 65536)) {
    errors.push(invalid(`${field}.bindPort`, ep.bindPort, 'port number is not valid'));
  }
}

/** host[:port] as kubeadm's ValidateAPIEndpoint / ParseHostPort accept it. */
export function parseHostPort(s) {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(String(s ?? ''));
  if (!m) return null;
  const host = m[1].replace(/^\[|\]$/g, '');
  const port = m[2] ? Number(m[2]) : null;
  if (port !== null && (port < 1 || port > 65535)) return null;
  if (!isIpAddress(host) && !DNS_SUBDOMAIN.test(host.toLowerCase())) return null;
  return { host, port };
}

function checkCluster(c, errors) {
  const net = c.networking ?? {};
  const pod = net.podSubnet !== undefined ? parseCidr(net.podSubnet) : null;
  const svc = parseCidr(net.serviceSubnet ?? '10.96.0.0/12');
  if (net.podSubnet !== undefined && !pod) errors.push(invalid('networking.podSubnet', net.podSubnet, "couldn't parse subnet"));
  if (!svc) errors.push(invalid('networking.serviceSubnet', net.serviceSubnet, "couldn't parse subnet"));
  else if (svc.prefix < 12) {
    errors.push(invalid('networking.serviceSubnet', net.serviceSubnet, 'specified service subnet is too large; for 32-bit addresses, the mask must be >= 12'));
  }
  const nodeMask = Number(argMap(c.controllerManager?.extraArgs)['node-cidr-mask-size'] ?? 24);
  if (pod && pod.prefix > nodeMask) {
    errors.push(invalid('networking.podSubnet', net.podSubnet, `the size of pod subnet with mask ${pod.prefix} is smaller than the size of node subnet with mask ${nodeMask}`));
  }
  // kubeadm itself leaves this to the apiserver and controller-manager, which then misroute
  // Service traffic: the stand-in refuses it up front so the failure is visible.
  if (pod && svc && overlaps(pod, svc)) {
    errors.push(invalid('networking.serviceSubnet', net.serviceSubnet, `the service subnet overlaps with the pod subnet ${JSON.stringify(net.podSubnet)}`));
  }
  if (c.controlPlaneEndpoint !== undefined && !parseHostPort(c.controlPlaneEndpoint)) {
    errors.push(invalid('controlPlaneEndpoint', c.controlPlaneEndpoint, 'a valid host:port is required, e.g. 192.168.1.50:6443 or k8s.lab:6443'));
  }
  if (c.kubernetesVersion !== undefined && !parseKubernetesVersion(c.kubernetesVersion)) {
    errors.push(invalid('kubernetesVersion', c.kubernetesVersion, 'version string is not in the form of vX.Y.Z or a known label (stable-X.Y)'));
  }
  if (c.clusterName !== undefined && !DNS_SUBDOMAIN.test(c.clusterName)) errors.push(invalid('clusterName', c.clusterName, SUBDOMAIN_MSG));
  return { pod, svc };
}

function checkJoin(j, errors) {
  const d = j.discovery;
  if (!d || (!d.bootstrapToken && !d.file)) {
    errors.push(invalid('discovery', '', 'bootstrapToken or file must be set'));
    return;
  }
  const bt = d.bootstrapToken;
  if (bt) {
    if (!bt.apiServerEndpoint) errors.push(required('discovery.bootstrapToken.apiServerEndpoint', 'APIServerEndpoint is not set'));
    else if (!parseHostPort(bt.apiServerEndpoint)) errors.push(invalid('discovery.bootstrapToken.apiServerEndpoint', bt.apiServerEndpoint, 'address is not valid'));
    const token = bt.token ?? d.tlsBootstrapToken;
    if (!token) errors.push(required('discovery.bootstrapToken.token', 'the bootstrap token is required'));
    else if (!TOKEN.test(token)) errors.push(invalid('discovery.bootstrapToken.token', '', 'the bootstrap token is invalid'));
    const hashes = bt.caCertHashes ?? [];
    if (hashes.length === 0 && !bt.unsafeSkipCAVerification) {
      errors.push(invalid('discovery.bootstrapToken', '', 'using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue'));
    }
    for (const h of hashes) {
      const m = /^sha256:([0-9a-fA-F]*)$/.exec(h);
      if (!m) errors.push(invalid('discovery.bootstrapToken.caCertHashes', h, `unknown hash format "${String(h).split(':')[0]}"`));
      else if (m[1].length !== 64) errors.push(invalid('discovery.bootstrapToken.caCertHashes', h, `invalid hash "${h}", expected a 32 byte SHA-256 hash, found ${Math.floor(m[1].length / 2)} bytes`));
    }
  }
  if (j.controlPlane) {
    checkEndpoint(j.controlPlane.localAPIEndpoint, 'controlPlane.localAPIEndpoint', errors);
    const key = j.controlPlane.certificateKey;
    if (key !== undefined && !CERT_KEY.test(key)) errors.push(invalid('controlPlane.certificateKey', '', 'certificate key must be a hex-encoded 32 byte key'));
  }
}

function checkKubelet(k, errors) {
  if (k.cgroupDriver !== undefined && !['systemd', 'cgroupfs'].includes(k.cgroupDriver)) {
    errors.push(invalid('KubeletConfiguration.cgroupDriver', k.cgroupDriver, 'cgroupDriver must be "systemd" or "cgroupfs"'));
  }
  if (k.failSwapOn !== undefined && typeof k.failSwapOn !== 'boolean') errors.push(invalid('KubeletConfiguration.failSwapOn', k.failSwapOn, 'must be a boolean'));
}

/** Fails with kubeadm's aggregate form: one error as is, several as "[a, b]". */
function throwIf(errors) {
  if (errors.length === 1) throw new ConfigError(errors[0]);
  if (errors.length > 1) throw new ConfigError(`[${errors.join(', ')}]`);
}

/**
 * The file's configuration, defaulted: { init, cluster, kubelet, join, kinds, warnings }.
 * purpose: 'validate' (strict errors are fatal), 'init' or 'join' (strict errors are warnings).
 */
export function loadKubeadmConfig(text, purpose) {
  let read;
  try {
    read = readDocuments(text);
  } catch (e) {
    throw new ConfigError(e.message);
  }
  const warnings = [...read.warnings];
  if (purpose === 'validate') throwIf(read.strict);
  else warnings.push(...read.strict);
  const byKind = Object.fromEntries(read.docs.map((d) => [d.kind, d.body]));
  const kinds = read.docs.map((d) => d.kind);
  if (byKind.InitConfiguration && byKind.JoinConfiguration) {
    throw new ConfigError(`invalid configuration for GroupVersionKind ${read.docs.find((d) => d.kind === 'JoinConfiguration').apiVersion}, Kind=JoinConfiguration: kinds [InitConfiguration JoinConfiguration] are mutually exclusive`);
  }
  const wantsJoin = purpose === 'join' || (purpose === 'validate' && byKind.JoinConfiguration);
  if (wantsJoin && !byKind.JoinConfiguration) throw new ConfigError('no JoinConfiguration kind was found in the YAML file');
  if (purpose === 'init' && byKind.JoinConfiguration) {
    throw new ConfigError('no InitConfiguration or ClusterConfiguration kind was found in the YAML file');
  }
  if (purpose === 'validate' && kinds.length === 0) throw new ConfigError('no InitConfiguration, ClusterConfiguration or JoinConfiguration kind was found in the YAML file');

  const errors = [];
  const node = nodeInfo();
  const defaultName = (node.name || hostname()).toLowerCase();
  const nr = (doc) => ({ name: defaultName, criSocket: DEFAULT_CRI_SOCKET, ...(doc?.nodeRegistration ?? {}) });
  const config = { kinds, warnings, kubelet: { cgroupDriver: 'systemd', failSwapOn: true, ...(byKind.KubeletConfiguration ?? {}) } };
  checkKubelet(config.kubelet, errors);
  if (wantsJoin) {
    const join = byKind.JoinConfiguration;
    checkNodeRegistration(join.nodeRegistration, errors);
    checkJoin(join, errors);
    config.join = { ...join, nodeRegistration: nr(join) };
  } else {
    const init = byKind.InitConfiguration ?? {};
    const cluster = byKind.ClusterConfiguration ?? {};
    checkNodeRegistration(init.nodeRegistration, errors);
    checkEndpoint(init.localAPIEndpoint, 'localAPIEndpoint', errors);
    for (const [i, t] of (init.bootstrapTokens ?? []).entries()) {
      if (t?.token !== undefined && !TOKEN.test(t.token)) errors.push(invalid(`bootstrapTokens[${i}].token`, '', 'the bootstrap token is invalid'));
    }
    if (init.certificateKey !== undefined && !CERT_KEY.test(init.certificateKey)) errors.push(invalid('certificateKey', '', 'certificate key must be a hex-encoded 32 byte key'));
    const { pod, svc } = checkCluster(cluster, errors);
    config.init = {
      ...init,
      nodeRegistration: nr(init),
      localAPIEndpoint: { advertiseAddress: node.address || undefined, bindPort: 6443, ...(init.localAPIEndpoint ?? {}) },
    };
    config.cluster = {
      clusterName: 'kubernetes',
      kubernetesVersion: 'stable-1',
      certificatesDir: '/etc/kubernetes/pki',
      ...cluster,
      networking: { dnsDomain: 'cluster.local', serviceSubnet: '10.96.0.0/12', ...(cluster.networking ?? {}) },
      podCidr: pod,
      serviceCidr: svc,
      nodeCidrMaskSize: Number(argMap(cluster.controllerManager?.extraArgs)['node-cidr-mask-size'] ?? 24),
    };
  }
  throwIf(errors);
  return config;
}
