/**
 * The clean-wipe check: one read-only script per node that lists what a cluster can leave behind
 * (interfaces, kubelet mounts, state folders, iptables chains, VIPs, processes and listeners),
 * and the parser that turns its lines into leftovers, each with how to remove it by hand.
 */
import type { Leftover } from '../../../../shared/domain/cluster-record';
import { CLUSTER_PORTS, CLUSTER_PROCESSES, MANAGED_NFT_TABLES, STATE_PATHS } from './constants';
import { IPTABLES_COMMANDS, LINK_NAMES, MOUNT_HELPERS, TUNL0_IN_USE } from './node-shell';

const TAB = '\\t';

/** Prints `leftover<TAB>kind<TAB>item<TAB>extra` lines; changes nothing. */
export const WIPE_CHECK_SCRIPT = [
  `out() { printf 'leftover${TAB}%s${TAB}%s${TAB}%s\\n' "$1" "$2" "\${3:-}"; }`,
  MOUNT_HELPERS,
  IPTABLES_COMMANDS,
  // Interfaces: the names the CNIs and kube-proxy use, and anything else with their prefixes.
  `for l in $(${LINK_NAMES}); do
  case "$l" in
    cni-podman*) ;;
    tunl0) if ${TUNL0_IN_USE}; then out interface tunl0 ipip; fi ;;
    cni*|flannel*|cali*|kube*|vxlan.calico|vxlan-v6.calico) out interface "$l" ;;
  esac
done`,
  `awk '$2 ~ "^/var/lib/kubelet/" { print $2 }' /proc/mounts | while IFS= read -r m; do out mount "$(printf '%b' "$m")"; done`,
  // A state folder that is a mount point of its own only counts when something is in it.
  `for p in ${STATE_PATHS.join(' ')}; do
  [ -e "$p" ] || continue
  if is_mountpoint "$p"; then [ -z "$(ls -A "$p" 2>/dev/null)" ] || out file "$p" mountpoint; else out file "$p"; fi
done`,
  `for ipt in $IPTS; do for t in $(tables_of "$ipt"); do
  $ipt -w 10 -t "$t" -S 2>/dev/null | awk -v re="$MANAGED_ERE" '$1 == "-N" && $2 ~ re { print $2 }' | while read -r c; do out chain "$ipt $t $c"; done
done; done`,
  `if command -v nft >/dev/null 2>&1; then nft list tables 2>/dev/null | while read -r _ family name; do
  case "$name" in ${MANAGED_NFT_TABLES.join('|')}) out nft "$family $name" ;; esac
done; fi`,
  // VIPs: kube-vip, MetalLB and kube-proxy in IPVS mode put service addresses on lo / kube-ipvs0.
  `for dev in lo kube-ipvs0; do ip -o addr show dev "$dev" 2>/dev/null | awk '{ print $4 }' | while read -r a; do
  case "$a" in 127.0.0.1/*|::1/*) ;; *) out address "$a" "$dev" ;; esac
done; done`,
  // Only processes in this node's network namespace: kubelet and the static pods use the host's.
  `self=$(readlink /proc/self/ns/net)
for p in ${CLUSTER_PROCESSES.join(' ')}; do for pid in $(pgrep -x "$p" 2>/dev/null); do
  [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$self" ] && out process "$p" "$pid"
done; done`,
  `ss -Hltn 2>/dev/null | awk '{ print $4 }' | while read -r local; do
  case "\${local##*:}" in ${CLUSTER_PORTS.join('|')}) out listener "\${local##*:}" "$local" ;; esac
done`,
  'exit 0',
].join('\n');

function hintFor(kind: string, item: string, extra: string): Leftover | null {
  switch (kind) {
    case 'interface':
      return extra === 'ipip'
        ? { kind: 'interface', item, hint: 'Calico left tunl0 up or addressed: sudo ip addr flush dev tunl0 && sudo ip link set tunl0 down, then sudo modprobe -r ipip (or reboot).' }
        : { kind: 'interface', item, hint: `sudo ip link delete ${item}` };
    case 'mount':
      return { kind: 'mount', item, hint: `A pod volume is still mounted: sudo umount -l '${item}'` };
    case 'file':
      return extra === 'mountpoint'
        ? { kind: 'file', item, hint: `${item} is a mount point with files in it: sudo find ${item} -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} +` }
        : { kind: 'file', item, hint: `sudo rm -rf --one-file-system ${item} (unmount anything under it first)` };
    case 'chain': {
      const [cmd = 'iptables', table = 'filter', chain = item] = item.split(' ');
      return {
        kind: 'iptables-chain',
        item: `${chain} (${cmd} -t ${table})`,
        hint: `Delete the rules that jump to it (sudo ${cmd} -t ${table} -S | grep -- '-j ${chain}', then the same rule with -D instead of -A), then sudo ${cmd} -t ${table} -F ${chain} && sudo ${cmd} -t ${table} -X ${chain}. Never flush the built-in chains: that can cut SSH.`,
      };
    }
    case 'nft':
      return { kind: 'iptables-chain', item: `nftables table ${item}`, hint: `sudo nft delete table ${item}` };
    case 'address':
      return { kind: 'address', item: `${item} on ${extra}`, hint: `A virtual IP left by kube-proxy (IPVS), kube-vip or MetalLB — unless you put it there yourself: sudo ip addr del ${item} dev ${extra}` };
    case 'process':
      return item === 'kubelet'
        ? { kind: 'process', item: `kubelet (pid ${extra})`, hint: 'sudo systemctl stop kubelet' }
        : { kind: 'process', item: `${item} (pid ${extra})`, hint: `A control-plane container still runs: sudo crictl ps, then sudo crictl rm -f <id> (or sudo kill ${extra}).` };
    case 'listener':
      return { kind: 'process', item: `something listens on ${extra}`, hint: `Port ${item} must be free for the next kubeadm init/join: sudo ss -ltnp 'sport = :${item}' shows the process; stop it.` };
    default:
      return null;
  }
}

export function parseWipeCheck(stdout: string): Leftover[] {
  const seen = new Set<string>();
  const leftovers: Leftover[] = [];
  for (const line of stdout.split('\n')) {
    const [tag, kind = '', item = '', extra = ''] = line.split('\t');
    if (tag !== 'leftover' || !item) continue;
    const leftover = hintFor(kind, item, extra);
    if (!leftover || seen.has(`${leftover.kind}|${leftover.item}`)) continue;
    seen.add(`${leftover.kind}|${leftover.item}`);
    leftovers.push(leftover);
  }
  return leftovers;
}
