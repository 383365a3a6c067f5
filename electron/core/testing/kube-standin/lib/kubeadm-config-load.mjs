/**
 * How `kubeadm init/join/config validate` get their configuration: from --config (flags that
 * would conflict refused as kubeadm does) or built from the command-line flags, then loaded and
 * validated; warnings go to stderr as klog lines, errors end the command (exit 3 for invalid
 * field values — kubeadm's ValidationExitCode for an aggregate of field errors — else 1).
 */
import YAML from 'yaml';
import { Exit, readConfigFile } from './cli.mjs';
import { ConfigError, loadKubeadmConfig, parseKubernetesVersion } from './config.mjs';
import { commandError, minorOf, warn } from './kubeadm-output.mjs';

const STACK = 'To see the stack trace of this error execute with --v=5 or higher';

/** Flags that may accompany --config; any other config-bearing flag conflicts with it. */
const WITH_CONFIG = new Set(['config', 'upload-certs', 'skip-phases', 'ignore-preflight-errors', 'certificate-key', 'skip-token-print', 'v', 'dry-run', 'patches', 'node-name', 'allow-experimental-api', 'kubeconfig']);

function load(text, purpose) {
  try {
    const config = loadKubeadmConfig(text, purpose);
    for (const w of config.warnings) warn(w.startsWith('your configuration') ? 'common.go:101' : w.startsWith('[config]') ? 'initconfiguration.go:361' : 'initconfiguration.go:332', w);
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const field = /: (Invalid|Required) value: /.test(e.message);
    throw new Exit(field ? 3 : 1, `${e.message}\n${STACK}`);
  }
}

/** The --config file's configuration, refusing flags real kubeadm will not mix with it. */
export function fromConfigFile(flags, purpose) {
  const mixed = Object.keys(flags).filter((f) => !WITH_CONFIG.has(f) && !(purpose === 'join' && ['control-plane'].includes(f)));
  if (mixed.length) throw new Exit(1, `can not mix '--config' with arguments [${mixed.join(' ')}]\n${STACK}`);
  return load(readConfigFile(flags.config), purpose);
}

const list = (v) => (v === undefined ? [] : [].concat(v).flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean));

/** init without --config: the flags become an InitConfiguration + ClusterConfiguration. */
export function initFromFlags(flags) {
  const init = { apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'InitConfiguration', nodeRegistration: {}, localAPIEndpoint: {} };
  const cluster = { apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', networking: {} };
  if (flags['apiserver-advertise-address']) init.localAPIEndpoint.advertiseAddress = flags['apiserver-advertise-address'];
  if (flags['apiserver-bind-port']) init.localAPIEndpoint.bindPort = Number(flags['apiserver-bind-port']);
  if (flags['node-name']) init.nodeRegistration.name = flags['node-name'];
  if (flags['cri-socket']) init.nodeRegistration.criSocket = flags['cri-socket'];
  if (flags.token) init.bootstrapTokens = [{ token: flags.token, ...(flags['token-ttl'] ? { ttl: flags['token-ttl'] } : {}) }];
  else if (flags['token-ttl']) init.bootstrapTokens = [{ ttl: flags['token-ttl'] }];
  if (flags['control-plane-endpoint']) cluster.controlPlaneEndpoint = flags['control-plane-endpoint'];
  if (flags['pod-network-cidr']) cluster.networking.podSubnet = flags['pod-network-cidr'];
  if (flags['service-cidr']) cluster.networking.serviceSubnet = flags['service-cidr'];
  if (flags['service-dns-domain']) cluster.networking.dnsDomain = flags['service-dns-domain'];
  if (flags['kubernetes-version']) cluster.kubernetesVersion = flags['kubernetes-version'];
  if (flags['apiserver-cert-extra-sans']) cluster.apiServer = { certSANs: list(flags['apiserver-cert-extra-sans']) };
  return load(YAML.stringify(init) + '---\n' + YAML.stringify(cluster), 'init');
}

/** join <endpoint> --token … without --config. */
export function joinFromFlags(flags, positional) {
  const join = {
    apiVersion: 'kubeadm.k8s.io/v1beta4',
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: positional[0],
        token: flags['discovery-token'] ?? flags.token,
        caCertHashes: list(flags['discovery-token-ca-cert-hash']),
        ...(flags['discovery-token-unsafe-skip-ca-verification'] ? { unsafeSkipCAVerification: true } : {}),
      },
    },
    nodeRegistration: {},
  };
  if (flags['node-name']) join.nodeRegistration.name = flags['node-name'];
  if (flags['cri-socket']) join.nodeRegistration.criSocket = flags['cri-socket'];
  if (flags['control-plane']) {
    join.controlPlane = { localAPIEndpoint: {} };
    if (flags['apiserver-advertise-address']) join.controlPlane.localAPIEndpoint.advertiseAddress = flags['apiserver-advertise-address'];
    if (flags['certificate-key']) join.controlPlane.certificateKey = flags['certificate-key'];
  }
  return load(YAML.stringify(join), 'join');
}

export function validateFile(flags) {
  return load(readConfigFile(flags.config), 'validate');
}

/**
 * The control-plane version to deploy: an exact version is checked against kubeadm's supported
 * range; a label (stable-1.34) would be looked up on dl.k8s.io, which fails offline, so kubeadm
 * falls back to its own version.
 */
export function resolveKubernetesVersion(requested, kubeadmVersion) {
  const parsed = parseKubernetesVersion(requested);
  if (!parsed?.exact) {
    const label = String(requested ?? 'stable-1');
    warn('version.go:109', `could not fetch a Kubernetes version from the internet: unable to get URL "https://dl.k8s.io/release/${label}.txt": Get "https://dl.k8s.io/release/${label}.txt": dial tcp: lookup dl.k8s.io on 127.0.0.53:53: no such host`);
    warn('version.go:110', `falling back to the local client version: ${kubeadmVersion}`);
    return { version: kubeadmVersion, warnings: [] };
  }
  const want = minorOf(parsed.exact);
  const have = minorOf(kubeadmVersion);
  if (want < have - 1) {
    throw commandError(kubeadmVersion, `this version of kubeadm only supports deploying clusters with the control plane version >= 1.${have - 1}.0. Current version: ${parsed.exact}`);
  }
  const warnings = want > have
    ? [{ kind: 'warning', check: 'KubernetesVersion', message: `Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. Kubernetes version: ${parsed.exact.slice(1)}. Kubeadm version: 1.${have}.x` }]
    : [];
  return { version: parsed.exact, warnings };
}
