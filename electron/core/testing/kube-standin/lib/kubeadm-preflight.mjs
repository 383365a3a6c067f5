/**
 * kubeadm's preflight checks (cmd/kubeadm/app/preflight/checks.go), run against the node's real
 * state: ports probed by listening on them (PortOpenCheck), files and directories of an earlier
 * install, ip_forward, the container runtime's unit, crictl on the PATH, swap (a warning since
 * 1.28: kubelet, not kubeadm, then refuses to run), CPUs, and the kubelet/control-plane skew.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { unitActive } from './kubelet-health.mjs';
import { hasFault, nodeInfo, packagesState, readJson } from './record.mjs';
import { join } from 'node:path';
import { CONTAINERD_CONFIG, ETCD_DIR, MANIFESTS_DIR, NODE_STATE, PROC_SWAPS, p } from './paths.mjs';

const FAULT_PORTS = [6443, 10259, 10257, 10250, 2379, 2380];

function portFree(port) {
  if (hasFault('init-preflight-port-in-use') && FAULT_PORTS.includes(port)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, () => s.close(() => resolve(true)));
  });
}

const nonEmpty = (dir) => {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
};

const swapOn = () => {
  try {
    return readFileSync(PROC_SWAPS, 'utf8').split('\n').slice(1).some((l) => l.trim());
  } catch {
    return false;
  }
};

const readSys = (f) => {
  try {
    return readFileSync(f, 'utf8').trim();
  } catch {
    return null;
  }
};

/** kubeadm's check name for a path: "/etc/kubernetes/manifests" → "etc-kubernetes-manifests". */
const pathName = (path) => path.replace(/^\//, '').replace(/\//g, '-');

/**
 * Findings ({ kind, check, message }) for `role`: 'init', 'join' (worker part, also run for
 * control planes) or 'control-plane' (the extra checks before a control-plane join).
 */
export async function preflight(role, { version, ignore = [] } = {}) {
  const findings = [];
  const add = (kind, check, message) => findings.push({ kind, check, message });
  const fileAvailable = (path) => existsSync(p(path)) && add('error', `FileAvailable--${pathName(path)}`, `${path} already exists`);
  const port = async (n) => !(await portFree(n)) && add('error', `Port-${n}`, `Port ${n} is in use`);

  if (role === 'init' || role === 'control-plane') {
    const cpuCount = nodeInfo().cpus ?? cpus().length;
    if (cpuCount < 2) add('error', 'NumCPU', `the number of available CPUs ${cpuCount} is less than the required 2`);
    const mb = Math.floor(totalmem() / 1024 / 1024);
    if (mb < 1700) add('error', 'Mem', `the system RAM (${mb} MB) is less than the minimum 1700 MB`);
    await port(6443);
    await port(10259);
    await port(10257);
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']) fileAvailable(`/etc/kubernetes/manifests/${c}.yaml`);
  }
  if (role === 'join') {
    if (nonEmpty(MANIFESTS_DIR)) add('error', 'DirAvailable--etc-kubernetes-manifests', '/etc/kubernetes/manifests is not empty');
    fileAvailable('/etc/kubernetes/kubelet.conf');
    fileAvailable('/etc/kubernetes/bootstrap-kubelet.conf');
    fileAvailable('/etc/kubernetes/pki/ca.crt');
  }
  if (role === 'init' || role === 'join') {
    if (!unitActive('containerd.service') || !existsSync(CONTAINERD_CONFIG)) {
      const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      add('error', 'CRI', `container runtime is not running: output: time="${at}" level=fatal msg="validate service connection: validate CRI v1 runtime API for endpoint \\"unix:///var/run/containerd/containerd.sock\\": rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix /var/run/containerd/containerd.sock: connect: no such file or directory\\""\n, error: exit status 1`);
    }
    if (!packagesState().packages?.['cri-tools']) add('error', 'FileExisting-crictl', 'crictl not found in system path');
    const kubelet = readJson(join(NODE_STATE, 'systemd', 'kubelet.service.json'), null);
    if (kubelet && kubelet.enabled !== 'enabled') add('warning', 'Service-Kubelet', "kubelet service is not enabled, please run 'systemctl enable kubelet.service'");
    await port(10250);
    if (swapOn()) {
      add('warning', 'Swap', 'swap is supported for cgroup v2 only. The kubelet must be properly configured to use swap. Please refer to https://kubernetes.io/docs/concepts/architecture/nodes/#swap-memory, or disable swap on the node');
    }
    if (readSys('/proc/sys/net/ipv4/ip_forward') !== '1') add('error', 'FileContent--proc-sys-net-ipv4-ip_forward', '/proc/sys/net/ipv4/ip_forward contents are not set to 1');
    const kubeletVersion = packagesState().packages?.kubelet;
    if (kubeletVersion && version && Number(kubeletVersion.split('.')[1]) > Number(version.replace(/^v/, '').split('.')[1])) {
      add('error', 'KubeletVersion', `the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "${kubeletVersion.split('-')[0]}" Control plane version: "${version.replace(/^v/, '')}"`);
    }
  }
  if (role === 'init' || role === 'control-plane') {
    await port(2379);
    await port(2380);
    if (nonEmpty(ETCD_DIR)) add('error', 'DirAvailable--var-lib-etcd', '/var/lib/etcd is not empty');
  }
  const ignored = new Set(ignore.map((i) => i.toLowerCase()));
  const all = ignored.has('all');
  return findings.map((f) => (f.kind === 'error' && (all || ignored.has(f.check.toLowerCase())) ? { ...f, kind: 'warning' } : f));
}

/** The image pull part of preflight; only the injected fault makes it fail (nothing is pulled). */
export function imagePullError(version) {
  if (!hasFault('image-pull-failed')) return null;
  const image = `registry.k8s.io/kube-apiserver:${version}`;
  return {
    kind: 'error',
    check: 'ImagePull',
    message: `failed to pull image ${image}: failed to pull image ${image}: rpc error: code = DeadlineExceeded desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: Head "https://registry.k8s.io/v2/kube-apiserver/manifests/${version}": dial tcp 34.96.108.209:443: i/o timeout`,
  };
}
