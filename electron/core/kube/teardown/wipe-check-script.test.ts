import { describe, expect, it } from 'vitest';
import { parseWipeCheck } from './wipe-check-script';

const line = (...f: string[]) => ['leftover', ...f].join('\t');

describe('wipe check output', () => {
  it('turns each leftover line into an item with a hint, once', () => {
    const out = [
      'noise from a login banner',
      line('interface', 'cni0', ''),
      line('interface', 'tunl0', 'ipip'),
      line('mount', '/var/lib/kubelet/pods/x/volumes/a b', ''),
      line('file', '/var/lib/etcd', 'mountpoint'),
      line('file', '/etc/kubernetes', ''),
      line('chain', 'ip6tables nat KUBE-SERVICES', ''),
      line('nft', 'ip kube-proxy', ''),
      line('address', '10.96.0.10/32', 'kube-ipvs0'),
      line('process', 'kubelet', '4242'),
      line('process', 'etcd', '77'),
      line('listener', '6443', '10.0.0.1:6443'),
      line('listener', '6443', '10.0.0.1:6443'),
      line('bogus', 'x', ''),
    ].join('\n');
    const leftovers = parseWipeCheck(out);
    expect(leftovers.map((l) => `${l.kind}|${l.item}`)).toEqual([
      'interface|cni0',
      'interface|tunl0',
      'mount|/var/lib/kubelet/pods/x/volumes/a b',
      'file|/var/lib/etcd',
      'file|/etc/kubernetes',
      'iptables-chain|KUBE-SERVICES (ip6tables -t nat)',
      'iptables-chain|nftables table ip kube-proxy',
      'address|10.96.0.10/32 on kube-ipvs0',
      'process|kubelet (pid 4242)',
      'process|etcd (pid 77)',
      'process|something listens on 10.0.0.1:6443',
    ]);
    const hint = (item: string) => leftovers.find((l) => l.item === item)?.hint;
    expect(hint('cni0')).toBe('sudo ip link delete cni0');
    expect(hint('tunl0')).toContain('modprobe -r ipip');
    expect(hint('/var/lib/kubelet/pods/x/volumes/a b')).toBe("A pod volume is still mounted: sudo umount -l '/var/lib/kubelet/pods/x/volumes/a b'");
    expect(hint('/var/lib/etcd')).toContain('mount point');
    expect(hint('KUBE-SERVICES (ip6tables -t nat)')).toContain('sudo ip6tables -t nat -F KUBE-SERVICES && sudo ip6tables -t nat -X KUBE-SERVICES');
    expect(hint('KUBE-SERVICES (ip6tables -t nat)')).toContain('Never flush the built-in chains');
    expect(hint('10.96.0.10/32 on kube-ipvs0')).toContain('sudo ip addr del 10.96.0.10/32 dev kube-ipvs0');
    expect(hint('kubelet (pid 4242)')).toBe('sudo systemctl stop kubelet');
    expect(hint('something listens on 10.0.0.1:6443')).toContain("ss -ltnp 'sport = :6443'");
  });

  it('reports nothing for a clean node', () => {
    expect(parseWipeCheck('')).toEqual([]);
  });
});
