/**
 * Where the stand-in kubeadm, kubectl, kubelet agent and API server keep things on a node: the
 * real kubeadm paths. STANDIN_ROOT prefixes every node path so the tools can be exercised against
 * a temp directory outside the rack (unit-style runs); inside the rack it is unset.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_DIR, RACK_DIR } from './record.mjs';

const ROOT = process.env.STANDIN_ROOT ?? '';

/** A node path, under STANDIN_ROOT when set. */
export const p = (path) => (ROOT ? join(ROOT, path) : path);

export const KUBERNETES_DIR = p('/etc/kubernetes');
export const PKI_DIR = p('/etc/kubernetes/pki');
export const MANIFESTS_DIR = p('/etc/kubernetes/manifests');
export const ADMIN_CONF = p('/etc/kubernetes/admin.conf');
export const SUPER_ADMIN_CONF = p('/etc/kubernetes/super-admin.conf');
export const KUBELET_CONF = p('/etc/kubernetes/kubelet.conf');
export const BOOTSTRAP_KUBELET_CONF = p('/etc/kubernetes/bootstrap-kubelet.conf');
export const CONTROLLER_MANAGER_CONF = p('/etc/kubernetes/controller-manager.conf');
export const SCHEDULER_CONF = p('/etc/kubernetes/scheduler.conf');
export const KUBELET_DIR = p('/var/lib/kubelet');
export const KUBELET_CONFIG = p('/var/lib/kubelet/config.yaml');
export const KUBELET_FLAGS = p('/var/lib/kubelet/kubeadm-flags.env');
export const KUBELET_PKI = p('/var/lib/kubelet/pki');
export const ETCD_DIR = p('/var/lib/etcd');
/** The stand-in API server's whole state: what etcd holds in a real cluster (crictl's snapshot copies it). */
export const STATE_FILE = p('/var/lib/etcd/standin-state.json');
export const CNI_NET_D = p('/etc/cni/net.d');
export const CNI_BIN = p('/opt/cni/bin');
export const CNI_STATE = p('/var/lib/cni');
export const CONTAINERD_CONFIG = p('/etc/containerd/config.toml');
export const PROC_SWAPS = process.env.STANDIN_SWAPS ?? '/proc/swaps';
export const FLANNEL_RUN = p('/run/flannel');

/** Node-local stand-in state (a tmpfs per node): systemd units, packages, the kubelet agent. */
export const NODE_STATE = NODE_DIR;
export const KUBELET_UNIT = join(NODE_DIR, 'systemd', 'kubelet.service.json');
export const KUBELET_AGENT_PID = join(NODE_DIR, 'kubelet-agent.pid');
/** Present while the kubelet would crash-loop; holds the reason (systemctl reports "activating"). */
export const KUBELET_FAILED = join(NODE_DIR, 'kubelet.failed');
export const KUBELET_JOURNAL = join(NODE_DIR, 'journal', 'kubelet.service.log');

/** Shared by all nodes: where each stand-in API server listens. */
export const APISERVERS_DIR = join(RACK_DIR, 'apiservers');

const HERE = dirname(fileURLToPath(import.meta.url));
export const LIB_DIR = HERE;
export const BIN_DIR = join(HERE, '..', 'bin');
export const APISERVER_LOG = p('/var/log/kube-apiserver-standin.log');
export const KUBELET_LOG = p('/var/log/kubelet-standin.log');

/** A directory's entries, or none when it does not exist (or cannot be read). */
export function listDir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
