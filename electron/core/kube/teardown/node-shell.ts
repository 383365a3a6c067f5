/**
 * Shell pieces the cleanup and the wipe check share, so both look at a node the same way: which
 * iptables commands hold rules (the nf_tables and the legacy backend can both be in use), which
 * links and mounts a cluster left. POSIX sh: nodes run dash as /bin/sh.
 */
import { CLUSTER_LINKS, IPTABLES_TABLES, MANAGED_CHAIN_ERE } from './constants';

/** `$IPTS`: iptables/ip6tables, plus the other backend's command when that backend holds tables. */
export const IPTABLES_COMMANDS = `
IPTS=""
for c in iptables ip6tables; do command -v "$c" >/dev/null 2>&1 && IPTS="$IPTS $c"; done
# The legacy backend is only looked at when its tables already exist: listing it would load its
# kernel modules, and iptables-nft then warns about legacy tables forever after.
if command -v iptables-legacy >/dev/null 2>&1 && ! iptables -V 2>/dev/null | grep -q legacy && [ -n "$(cat /proc/net/ip_tables_names 2>/dev/null)" ]; then IPTS="$IPTS iptables-legacy"; fi
if command -v ip6tables-legacy >/dev/null 2>&1 && ! ip6tables -V 2>/dev/null | grep -q legacy && [ -n "$(cat /proc/net/ip6_tables_names 2>/dev/null)" ]; then IPTS="$IPTS ip6tables-legacy"; fi
if command -v iptables-nft >/dev/null 2>&1 && iptables -V 2>/dev/null | grep -q legacy; then IPTS="$IPTS iptables-nft"; fi
if command -v ip6tables-nft >/dev/null 2>&1 && ip6tables -V 2>/dev/null | grep -q legacy; then IPTS="$IPTS ip6tables-nft"; fi
MANAGED_ERE='${MANAGED_CHAIN_ERE}'
tables_of() {
  case "$1" in
    iptables-legacy) cat /proc/net/ip_tables_names 2>/dev/null ;;
    ip6tables-legacy) cat /proc/net/ip6_tables_names 2>/dev/null ;;
    *) printf '%s\\n' ${IPTABLES_TABLES.join(' ')} ;;
  esac
}
`;

/** Link names without the `@peer` suffix veths carry in `ip -o link`. */
export const LINK_NAMES = `ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'`;

/** The case pattern of links a cluster creates (tunl0 is handled on its own: the ipip module owns it). */
export const CLUSTER_LINK_PATTERN = [...CLUSTER_LINKS.filter((l) => l !== 'tunl0'), 'cali*'].join('|');

/** tunl0 exists whenever the ipip module is loaded; it is the cluster's only when it is up or has an address. */
export const TUNL0_IN_USE = `{ ip -o addr show dev tunl0 2>/dev/null | grep -q . || ip -o link show tunl0 2>/dev/null | grep -q '[<,]UP[,>]'; }`;

export const MOUNT_HELPERS = `
is_mountpoint() { awk -v p="$1" '$2 == p { found = 1 } END { exit !found }' /proc/mounts; }
mounts_under() { awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts; }
`;
