/**
 * What `kubeadm reset` leaves behind, removed by one script per node. kubeadm's own reset text
 * says it: CNI config, iptables/IPVS rules and kubeconfig files are not cleaned. Every removal
 * prints "removed …", anything deliberately left "kept …: why", failures "failed …".
 *
 * Never a blanket iptables flush, never a policy change, never iptables-restore of a whole table:
 * only rules that jump to Kubernetes' own chains, then those chains. A teardown must not cut the
 * SSH session it runs over, nor the user's own firewall rules.
 */
import { shellQuote } from '../../ssh/remote-command';
import { STATE_PATHS } from './constants';
import { CLUSTER_LINK_PATTERN, IPTABLES_COMMANDS, LINK_NAMES, MOUNT_HELPERS, TUNL0_IN_USE } from './node-shell';

/** CNI runtime state outside the standard folders: flannel's subnet.env, calico's node state. */
const CNI_RUNTIME_PATHS = ['/run/flannel', '/var/lib/calico', '/run/calico'];

export interface CleanupScriptOptions {
  /** The node's SSH login: its ~/.kube/config goes too when it names only this cluster. */
  sshUser: string;
  /** This cluster's API server URLs (https://host:port), as kubeconfigs name them. */
  apiServerUrls: string[];
  /** kube-proxy ran in IPVS mode (from its ConfigMap); a kube-ipvs0 link on the node also says so. */
  ipvs: boolean;
}

const KUBELET = `
if command -v systemctl >/dev/null 2>&1 && [ "$(systemctl is-active kubelet 2>/dev/null)" = active ]; then
  if systemctl stop kubelet; then removed "running kubelet (systemctl stop kubelet)"; else failed "systemctl stop kubelet"; fi
fi
`;

// Deepest first; lazily, because a pod volume can be busy. /proc/mounts escapes blanks as \\040.
const MOUNTS = `
awk '$2 ~ "^/var/lib/kubelet/" { n = gsub("/", "/", $2); print n "\\t" $2 }' /proc/mounts | sort -rn | cut -f 2- | while IFS= read -r raw; do
  m=$(printf '%b' "$raw")
  if err=$(umount -l "$m" 2>&1); then removed "mount $m"; else failed "umount -l $m: $err"; fi
done
`;

const IPVS = `
if [ "$IPVS" = yes ] || ip link show kube-ipvs0 >/dev/null 2>&1; then
  if command -v ipvsadm >/dev/null 2>&1; then
    if ipvsadm --clear; then removed "IPVS virtual servers (ipvsadm --clear)"; else failed "ipvsadm --clear"; fi
  else
    kept "IPVS virtual servers: ipvsadm is not installed; they are gone after a reboot"
  fi
fi
`;

const LINKS = `
for l in $(${LINK_NAMES}); do
  case "$l" in
    ${CLUSTER_LINK_PATTERN}) ;;
    tunl0)
      if ${TUNL0_IN_USE}; then
        ip addr flush dev tunl0 2>/dev/null; ip link set tunl0 down 2>/dev/null
        if modprobe -r ipip 2>/dev/null && ! ip link show tunl0 >/dev/null 2>&1; then removed "interface tunl0 (unloaded the ipip module)"
        else removed "the addresses of tunl0 and set it down (the device itself belongs to the ipip module)"; fi
      fi
      continue ;;
    *) continue ;;
  esac
  ip link show "$l" >/dev/null 2>&1 || continue  # a veth goes with its peer
  if err=$(ip link delete "$l" 2>&1); then removed "interface $l"; else failed "ip link delete $l: $err"; fi
done
`;

// Rules are found by their target column (-L --line-numbers) and deleted by number, highest
// first: no rule text is ever parsed back into a command line.
const IPTABLES = `
clean_table() {
  ipt=$1; t=$2
  spec=$($ipt -w 10 -t "$t" -S 2>/dev/null) || return 0
  managed=$(printf '%s\\n' "$spec" | awk -v re="$MANAGED_ERE" '$1 == "-N" && $2 ~ re { print $2 }')
  [ -n "$managed" ] || return 0
  for c in $(printf '%s\\n' "$spec" | awk -v re="$MANAGED_ERE" '($1 == "-P" || $1 == "-N") && $2 !~ re { print $2 }'); do
    for n in $($ipt -w 10 -t "$t" -L "$c" -n --line-numbers 2>/dev/null | awk -v re="$MANAGED_ERE" 'NR > 2 && $2 ~ re { print $1 }' | sort -rn); do
      rule=$($ipt -w 10 -t "$t" -S "$c" "$n" 2>/dev/null)
      if err=$($ipt -w 10 -t "$t" -D "$c" "$n" 2>&1); then removed "$ipt -t $t rule: $rule"; else failed "$ipt -t $t -D $c $n: $err"; fi
    done
  done
  for c in $managed; do $ipt -w 10 -t "$t" -F "$c" 2>/dev/null; done
  for c in $managed; do
    if err=$($ipt -w 10 -t "$t" -X "$c" 2>&1); then removed "$ipt -t $t chain $c"; else failed "$ipt -t $t -X $c: $err"; fi
  done
}
for ipt in $IPTS; do for t in $(tables_of "$ipt"); do clean_table "$ipt" "$t"; done; done
if command -v nft >/dev/null 2>&1; then
  nft list tables 2>/dev/null | while read -r _ family name; do
    case "$name" in kube-proxy|flannel)
      if err=$(nft delete table "$family" "$name" 2>&1); then removed "nftables table $family $name"; else failed "nft delete table $family $name: $err"; fi ;;
    esac
  done
fi
`;

// A folder that is itself a mount point (a dedicated etcd disk, say) is emptied, not unmounted.
// Nothing is removed while anything is still mounted beneath it: rm would reach into that mount.
const FILES = `
remove_path() {
  p=$1
  [ -e "$p" ] || [ -L "$p" ] || return 0
  left=$(mounts_under "$p" | tr '\\n' ' ')
  if [ -n "$left" ]; then kept "$p: filesystems are still mounted under it ($left); unmount them (sudo umount -l <path>), then remove it"; return 0; fi
  if is_mountpoint "$p"; then
    [ -n "$(ls -A "$p" 2>/dev/null)" ] || return 0
    if err=$(find "$p" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system -- {} + 2>&1); then removed "the contents of $p (a mount point: the folder stays)"; else failed "emptying $p: $err"; fi
  elif err=$(rm -rf --one-file-system -- "$p" 2>&1); then removed "$p"
  else failed "rm -rf $p: $err"; fi
}
for p in $STATE_PATHS; do remove_path "$p"; done
`;

const USER_KUBECONFIG = `
if [ -n "$SSH_USER" ] && [ "$SSH_USER" != root ] && [ -n "$API_SERVERS" ]; then
  home=$(getent passwd "$SSH_USER" | cut -d: -f6)
  cfg="$home/.kube/config"
  if [ -n "$home" ] && [ "$home" != / ] && [ -f "$cfg" ]; then
    found=$(awk '$1 == "server:" { print $2 }' "$cfg" | tr -d "\\"'" | sed 's#/*$##' | sort -u)
    other=$(printf '%s\\n' "$found" | grep -vxF "$API_SERVERS")
    if [ -z "$found" ]; then :
    elif [ -z "$other" ]; then
      if rm -f "$cfg"; then removed "$cfg (it named only this cluster)"; else failed "rm -f $cfg"; fi
    elif [ "$other" != "$found" ]; then
      kept "$cfg: it also names other clusters; remove this one's context with kubectl config delete-context"
    fi
  fi
fi
`;

export function cleanupScript(o: CleanupScriptOptions): string {
  const servers = o.apiServerUrls.map((u) => u.replace(/\/+$/, '')).filter(Boolean);
  return [
    'set -u',
    "removed() { printf 'removed %s\\n' \"$*\"; }",
    "kept() { printf 'kept %s\\n' \"$*\"; }",
    "failed() { printf 'failed %s\\n' \"$*\"; }",
    `SSH_USER=${shellQuote(o.sshUser)}`,
    `API_SERVERS=${shellQuote(servers.join('\n'))}`,
    `IPVS=${o.ipvs ? 'yes' : 'no'}`,
    `STATE_PATHS=${shellQuote([...STATE_PATHS, ...CNI_RUNTIME_PATHS, '/root/.kube'].join(' '))}`,
    MOUNT_HELPERS,
    IPTABLES_COMMANDS,
    KUBELET,
    MOUNTS,
    IPVS,
    LINKS,
    IPTABLES,
    FILES,
    USER_KUBECONFIG,
    'exit 0',
  ].join('\n');
}
