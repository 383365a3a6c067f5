/** Test data for the preflight unit tests: real gather-script output and facts built from it. */
import { parseFacts, type NodeFacts } from './facts';
import { GATHER_MARKER } from './gather-script';
import type { PreflightNode } from './check';

/** Gather-script output as it looks on a Debian 12 VM run as root (the listeners and rules added for the tests). */
export const DEBIAN_OUTPUT = `${GATHER_MARKER}
uid=0
os.PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
os.VERSION_ID="12"
os.ID=debian
arch=x86_64
cpus=2
memtotal_kib=2014520
hostname=cp-1
iface=eth0 1 52:54:00:12:34:56 1
iface=docker0 1 02:42:11:9a:bb:17 0
iface=lo 772 00:00:00:00:00:00 0
ifaddr=lo 127.0.0.1
ifaddr=eth0 192.168.1.21
ifaddr=eth0 fe80::5054:ff:fe12:3456
product_uuid=4C4C4544-0042-3510-8052-B4C04F333532
swap=/swap.img file 2097148
fstab_swap=/swap.img
ntp_synchronized=yes
time_daemon=systemd-timesyn
ports_source=ss
listen=LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=612,fd=3))
listen=LISTEN 0      4096       127.0.0.1:10257     0.0.0.0:*    users:(("kube-controller",pid=2231,fd=7))
listen=LISTEN 0      128             [::]:22           [::]:*    users:(("sshd",pid=612,fd=4))
tool.bash=/usr/bin/bash
tool.perl=/usr/bin/perl
tool.timeout=/usr/bin/timeout
tool.apt-get=/usr/bin/apt-get
ufw=Status: active
input_rule=-A INPUT -p tcp -m tcp --dport 6443 -j DROP
`;

/** Facts of a healthy node, with the given changes. */
export function facts(changes: Partial<NodeFacts> = {}): NodeFacts {
  const base = parseFacts(DEBIAN_OUTPUT);
  if (!base) throw new Error('fixture does not parse');
  return { ...base, swaps: [], fstabSwap: [], listening: base.listening?.filter((s) => s.port === 22) ?? [], firewall: { ufwActive: false, firewalldRunning: false, inputRules: [] }, ...changes };
}

export function pnode(name: string, role: PreflightNode['role'] = 'control-plane', address = '192.168.1.21'): PreflightNode {
  return { id: `id-${name}`, name, address, role, user: 'ops' };
}
