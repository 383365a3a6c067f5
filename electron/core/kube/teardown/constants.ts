/**
 * What a kubeadm cluster leaves on a node, named once for the cleanup script, the wipe check and
 * the tests: the files kubeadm and the CNIs write, the links they create, the iptables chain
 * prefixes kube-proxy, flannel, calico and the CNI portmap plugin own.
 */

/** kubectl on the init node authenticates with the admin kubeconfig kubeadm wrote there. */
export const ADMIN_CONF = '/etc/kubernetes/admin.conf';
export const PKI_DIR = '/etc/kubernetes/pki';
/** The etcd static pod mounts this host path at the same path, so a snapshot saved there lands on the host. */
export const ETCD_DATA_DIR = '/var/lib/etcd';

/** Removed by the cleanup (after `kubeadm reset`, which leaves most of them); checked by the wipe check. */
export const STATE_PATHS = ['/etc/cni/net.d', '/var/lib/cni', '/var/lib/kubelet', '/var/lib/etcd', '/etc/kubernetes'] as const;

/** Links flannel, calico, kube-proxy (ipvs) and kube-router create; `cali*` pod veths are matched by prefix. */
export const CLUSTER_LINKS = ['cni0', 'flannel.1', 'flannel-v6.1', 'tunl0', 'vxlan.calico', 'vxlan-v6.calico', 'kube-ipvs0', 'kube-bridge'] as const;

/**
 * Chains Kubernetes components create. Only these, and the rules that jump to them, are ever
 * touched: the user's own rules, the built-in chains and their policies stay as they were, so a
 * teardown cannot lock anyone out of SSH.
 */
export const MANAGED_CHAIN_PREFIXES = ['KUBE-', 'FLANNEL-', 'cali-', 'CNI-'] as const;
/** The same as an extended regular expression, for awk and grep -E on the node. */
export const MANAGED_CHAIN_ERE = `^(${MANAGED_CHAIN_PREFIXES.join('|')})`;

export const IPTABLES_TABLES = ['filter', 'nat', 'mangle', 'raw'] as const;

/** nftables tables kube-proxy (nftables mode) and flannel (nftables mode) own. */
export const MANAGED_NFT_TABLES = ['kube-proxy', 'flannel'] as const;

/** Namespaces a kubeadm cluster and its CNI bring; anything else a person created. */
export const SYSTEM_NAMESPACES = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'kube-flannel',
  'calico-system',
  'calico-apiserver',
  'tigera-operator',
]);

/** Control-plane processes; found still running after a reset they hold ports and files. */
export const CLUSTER_PROCESSES = ['kubelet', 'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'flanneld'] as const;
/** Ports kubeadm's preflight insists are free; a listener left on one blocks the next init. */
export const CLUSTER_PORTS = [6443, 2379, 2380, 10250, 10257, 10259] as const;
