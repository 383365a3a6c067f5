/**
 * The real traces a node of a kubeadm cluster carries, made with the real tools in the node's own
 * namespaces: kubelet's and kube-proxy's iptables chains (KUBE-*), flannel's (FLANNEL-*, the
 * flannel.1 VXLAN device, the cni0 bridge, /run/flannel/subnet.env, host-local IPAM files),
 * Calico's (cali-* chains, vxlan.calico) and pods' projected-token tmpfs mounts under
 * /var/lib/kubelet/pods. `kubeadm reset` leaves the network ones behind, as the real one does.
 * Chain contents follow iptables-save of a v1.34 node (iptables mode); none drops SSH traffic.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CNI_BIN, CNI_NET_D, CNI_STATE, FLANNEL_RUN, KUBELET_DIR } from './paths.mjs';

const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });

function iptables(table, args) {
  return run('iptables', ['-w', '5', '-t', table, ...args]);
}

/** Creates `chain` in `table` (if missing) with `rules`, and the jump rules into it. */
function chain(table, name, rules = [], jumps = []) {
  if (iptables(table, ['-n', '-L', name]).status !== 0) {
    iptables(table, ['-N', name]);
    for (const rule of rules) {
      const r = iptables(table, ['-A', name, ...rule]);
      if (r.status !== 0 && rule.includes('--random-fully')) iptables(table, ['-A', name, ...rule.filter((a) => a !== '--random-fully')]);
    }
  }
  for (const [from, ...match] of jumps) {
    const rule = [from, ...match, '-j', name];
    if (iptables(table, ['-C', ...rule]).status !== 0) iptables(table, ['-I', ...rule]);
  }
}

const comment = (text) => ['-m', 'comment', '--comment', text];
const ctNew = ['-m', 'conntrack', '--ctstate', 'NEW'];

/** What the kubelet sets up when it starts: its canary chains. */
export function kubeletChains() {
  for (const table of ['mangle', 'nat', 'filter']) chain(table, 'KUBE-KUBELET-CANARY');
}

/** kube-proxy (iptables mode). */
export function kubeProxyChains() {
  chain('filter', 'KUBE-PROXY-CANARY');
  chain('mangle', 'KUBE-PROXY-CANARY');
  chain('nat', 'KUBE-PROXY-CANARY');
  chain('filter', 'KUBE-FIREWALL', [['!', '-s', '127.0.0.0/8', '-d', '127.0.0.0/8', ...comment('block incoming localnet connections'), '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP']], [['INPUT'], ['OUTPUT']]);
  chain('filter', 'KUBE-NODEPORTS', [], [['INPUT', ...comment('kubernetes health check service ports')]]);
  chain('filter', 'KUBE-EXTERNAL-SERVICES', [], [['INPUT', ...ctNew, ...comment('kubernetes externally-visible service portals')], ['FORWARD', ...ctNew, ...comment('kubernetes externally-visible service portals')]]);
  chain('filter', 'KUBE-PROXY-FIREWALL', [], [['INPUT', ...ctNew, ...comment('kubernetes load balancer firewall')], ['FORWARD', ...ctNew, ...comment('kubernetes load balancer firewall')], ['OUTPUT', ...ctNew, ...comment('kubernetes load balancer firewall')]]);
  chain('filter', 'KUBE-FORWARD', [
    ['-m', 'conntrack', '--ctstate', 'INVALID', ...comment('kubernetes forwarding rules'), '-j', 'DROP'],
    [...comment('kubernetes forwarding rules'), '-m', 'mark', '--mark', '0x4000/0x4000', '-j', 'ACCEPT'],
    [...comment('kubernetes forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
  ], [['FORWARD', ...comment('kubernetes forwarding rules')]]);
  chain('filter', 'KUBE-SERVICES', [], [['FORWARD', ...ctNew, ...comment('kubernetes service portals')], ['OUTPUT', ...ctNew, ...comment('kubernetes service portals')]]);
  chain('nat', 'KUBE-MARK-MASQ', [['-j', 'MARK', '--or-mark', '0x4000']]);
  chain('nat', 'KUBE-POSTROUTING', [
    ['-m', 'mark', '!', '--mark', '0x4000/0x4000', '-j', 'RETURN'],
    ['-j', 'MARK', '--xor-mark', '0x4000'],
    [...comment('kubernetes service traffic requiring SNAT'), '-j', 'MASQUERADE', '--random-fully'],
  ], [['POSTROUTING', ...comment('kubernetes postrouting rules')]]);
  chain('nat', 'KUBE-NODEPORTS');
  chain('nat', 'KUBE-SERVICES', [], [['PREROUTING', ...comment('kubernetes service portals')], ['OUTPUT', ...comment('kubernetes service portals')]]);
}

function link(name, kind, args, address) {
  if (run('ip', ['link', 'show', name]).status === 0) return;
  const made = run('ip', ['link', 'add', name, 'type', kind, ...args]);
  // A kernel without the vxlan module still gets a device of that name: what teardown must find.
  if (made.status !== 0) run('ip', ['link', 'add', name, 'type', 'dummy']);
  if (address) run('ip', ['addr', 'add', address, 'dev', name]);
  run('ip', ['link', 'set', name, 'up']);
}

/** flannel's install-cni init containers: the CNI config and the plugin binary on the host. */
export function flannelInstallCni(cniConf) {
  mkdirSync(CNI_NET_D, { recursive: true });
  writeFileSync(join(CNI_NET_D, '10-flannel.conflist'), cniConf);
  mkdirSync(CNI_BIN, { recursive: true });
  if (!existsSync(join(CNI_BIN, 'flannel'))) {
    writeFileSync(join(CNI_BIN, 'flannel'), '#!/bin/sh\n# flannel CNI plugin (stand-in copy installed by the kube-flannel DaemonSet)\nexit 0\n');
    chmodSync(join(CNI_BIN, 'flannel'), 0o755);
  }
}

/** flanneld running with a lease: the VXLAN device, its subnet file and its iptables rules. */
export function flannelNetwork({ network, subnet, nodeIp }) {
  const base = subnet.split('/')[0];
  link('flannel.1', 'vxlan', ['id', '1', 'local', nodeIp, 'dev', 'eth0', 'dstport', '8472', 'nolearning'], `${base}/32`);
  mkdirSync(FLANNEL_RUN, { recursive: true });
  const first = base.replace(/\.0$/, '.1');
  writeFileSync(join(FLANNEL_RUN, 'subnet.env'), `FLANNEL_NETWORK=${network}\nFLANNEL_SUBNET=${first}/${subnet.split('/')[1]}\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`);
  chain('filter', 'FLANNEL-FWD', [['-s', network, ...comment('flanneld forward'), '-j', 'ACCEPT'], ['-d', network, ...comment('flanneld forward'), '-j', 'ACCEPT']], [['FORWARD', ...comment('flanneld forward')]]);
  chain('nat', 'FLANNEL-POSTRTG', [
    ['-m', 'mark', '--mark', '0x4000/0x4000', ...comment('flanneld masq'), '-j', 'RETURN'],
    ['-s', subnet, '-d', network, ...comment('flanneld masq'), '-j', 'RETURN'],
    ['-s', network, '-d', subnet, ...comment('flanneld masq'), '-j', 'RETURN'],
    ['!', '-s', network, '-d', subnet, ...comment('flanneld masq'), '-j', 'RETURN'],
    ['-s', network, '!', '-d', '224.0.0.0/4', ...comment('flanneld masq'), '-j', 'MASQUERADE', '--random-fully'],
    ['!', '-s', network, '-d', network, ...comment('flanneld masq'), '-j', 'MASQUERADE', '--random-fully'],
  ], [['POSTROUTING', ...comment('flanneld masq')]]);
}

/** The bridge flannel's CNI plugin creates for the first pod on the node, and the pod's IPAM lease. */
export function podOnBridge({ subnet, podIp, containerId }) {
  link('cni0', 'bridge', [], `${subnet.split('/')[0].replace(/\.0$/, '.1')}/${subnet.split('/')[1]}`);
  const dir = join(CNI_STATE, 'networks', 'cbr0');
  mkdirSync(dir, { recursive: true });
  if (podIp && !existsSync(join(dir, podIp))) writeFileSync(join(dir, podIp), `${containerId}\r\neth0`);
  mkdirSync(join(CNI_STATE, 'flannel'), { recursive: true });
}

/** calico-node running: its CNI config, VXLAN device and chains. */
export function calicoNetwork({ nodeIp, podCidr }) {
  mkdirSync(CNI_NET_D, { recursive: true });
  const conf = { name: 'k8s-pod-network', cniVersion: '0.3.1', plugins: [{ type: 'calico', datastore_type: 'kubernetes', mtu: 0, nodename_file_optional: false, log_level: 'Info', log_file_path: '/var/log/calico/cni/cni.log', ipam: { type: 'calico-ipam', assign_ipv4: 'true', assign_ipv6: 'false' }, container_settings: { allow_ip_forwarding: false }, policy: { type: 'k8s' }, kubernetes: { k8s_api_root: 'https://10.96.0.1:443', kubeconfig: '/etc/cni/net.d/calico-kubeconfig' } }, { type: 'bandwidth', capabilities: { bandwidth: true } }, { type: 'portmap', snat: true, capabilities: { portMappings: true } }] };
  writeFileSync(join(CNI_NET_D, '10-calico.conflist'), `${JSON.stringify(conf, null, 2)}\n`);
  writeFileSync(join(CNI_NET_D, 'calico-kubeconfig'), '# Kubeconfig file for Calico CNI plugin. Installed by calico/node.\napiVersion: v1\nkind: Config\n');
  link('vxlan.calico', 'vxlan', ['id', '4096', 'local', nodeIp, 'dev', 'eth0', 'dstport', '4789', 'nolearning'], podCidr ? `${podCidr.split('/')[0].replace(/\.0$/, '.192')}/32` : undefined);
  for (const [table, name, from] of [['filter', 'cali-INPUT', 'INPUT'], ['filter', 'cali-FORWARD', 'FORWARD'], ['filter', 'cali-OUTPUT', 'OUTPUT'], ['nat', 'cali-PREROUTING', 'PREROUTING'], ['nat', 'cali-POSTROUTING', 'POSTROUTING'], ['nat', 'cali-OUTPUT', 'OUTPUT']]) {
    chain(table, name, [[...comment('cali:stand-in'), '-j', 'RETURN']], [[from, ...comment('cali:stand-in jump')]]);
  }
}

const mounted = (dir) => readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === dir);

/** The projected service-account token volume of a pod: a tmpfs the kubelet mounts. */
export function mountPodVolume(pod, volume, files) {
  const dir = join(KUBELET_DIR, 'pods', pod.metadata.uid, 'volumes', 'kubernetes.io~projected', volume);
  mkdirSync(dir, { recursive: true });
  if (!mounted(dir)) run('mount', ['-t', 'tmpfs', '-o', 'size=170m', 'tmpfs', dir]);
  for (const [name, content] of Object.entries(files)) {
    if (!existsSync(join(dir, name))) writeFileSync(join(dir, name), content, { mode: 0o644 });
  }
  return dir;
}

/** A pod left the node: its volumes are unmounted and its directory removed. */
export function removePodDir(uid) {
  const dir = join(KUBELET_DIR, 'pods', uid);
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const target = line.split(' ')[1];
    if (target?.startsWith(`${dir}/`)) run('umount', [target]);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Every mount point under /var/lib/kubelet (kubeadm reset unmounts them). */
export function kubeletMounts() {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((t) => t?.startsWith(`${KUBELET_DIR}/`)).map((t) => t.replace(/\\040/g, ' '));
}
