/**
 * The cleanup and wipe-check scripts run for real, as root, in a scratch network + mount
 * namespace dressed like a node a kubeadm cluster ran on: real links (bridge, vxlan, veth), real iptables chains and jump rules (both families), real tmpfs pod mounts, real files
 * under copy-on-write /etc, /var/lib, /root and /run — so nothing on this machine is touched.
 * No stand-in is involved: these are the exact scripts the teardown sends over SSH.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRoot } from '../../testing/lab-net';
import { cleanupScript } from './cleanup-script';
import { parseWipeCheck, WIPE_CHECK_SCRIPT } from './wipe-check-script';

function scratchUnavailable(): string | null {
  if (!isRoot()) return 'needs root (network and mount namespaces)';
  for (const tool of ['unshare', 'ip', 'iptables', 'ip6tables']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing`;
  }
  if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay')) return 'the kernel has no overlay filesystem';
  return null;
}
const unavailable = scratchUnavailable();
if (unavailable && process.env.CI) throw new Error(`cleanup namespace tests cannot run under CI: ${unavailable}`);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Copy-on-write overlays over everything the cleanup may remove; a throwaway login with a home. */
const isolate = (scratch: string) => `set -e
T=${scratch}
mkdir -p "$T" && mount -t tmpfs tmpfs "$T"
for d in etc var/lib root run; do
  n=$(echo "$d" | tr / _); mkdir -p "$T/$n-u" "$T/$n-w"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$T/$n-u,workdir=$T/$n-w" "/$d"
done
echo 'rpuser:x:4242:4242::/root/rpuser-home:/bin/sh' >> /etc/passwd
ip link set lo up
`;

/** What a flannel cluster with kube-proxy leaves on a node after \`kubeadm reset\` (which keeps all of this). */
const CLUSTER_LEFTOVERS = `
ip link add cni0 type bridge && ip link set cni0 up
ip link add flannel.1 type vxlan id 1 local 127.0.0.1 dstport 8472 nolearning
ip link add cali0a1b2c3 type veth peer name cali9f8e7d6
ip link add kube-ipvs0 type bridge && ip addr add 10.96.0.10/32 dev kube-ipvs0
iptables -N KUBE-FIREWALL
iptables -A KUBE-FIREWALL -m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP
iptables -A INPUT -j KUBE-FIREWALL
iptables -N KUBE-NODEPORTS
iptables -A INPUT -m comment --comment 'it"s a "quoted" $(touch /tmp/pwned) comment' -g KUBE-NODEPORTS
iptables -N FLANNEL-FWD
iptables -A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
iptables -t nat -N KUBE-SERVICES
iptables -t nat -N KUBE-SVC-ABCDEF
iptables -t nat -N KUBE-NODEPORTS-NAT
iptables -t nat -A KUBE-SERVICES -j KUBE-SVC-ABCDEF
iptables -t nat -A KUBE-SVC-ABCDEF -j KUBE-NODEPORTS-NAT
iptables -t nat -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
iptables -t nat -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
iptables -t nat -N FLANNEL-POSTRTG
iptables -t nat -A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
iptables -t nat -N CNI-HOSTPORT-DNAT
iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
iptables -t mangle -N KUBE-KUBELET-CANARY
ip6tables -t mangle -N KUBE-KUBELET-CANARY
ip6tables -N KUBE-FIREWALL
ip6tables -A INPUT -j KUBE-FIREWALL
mkdir -p /etc/kubernetes/pki /etc/kubernetes/manifests /etc/cni/net.d /var/lib/cni/networks/cbr0 /root/.kube /run/flannel
echo ca > /etc/kubernetes/pki/ca.crt; echo pod > /etc/kubernetes/manifests/etcd.yaml
echo '{}' > /etc/cni/net.d/10-flannel.conflist; echo 10.244.0.2 > /var/lib/cni/networks/cbr0/last_reserved_ip.0
echo FLANNEL_SUBNET=10.244.0.1/24 > /run/flannel/subnet.env; echo admin > /root/.kube/config
mkdir -p /var/lib/etcd && mount -t tmpfs etcd-disk /var/lib/etcd && mkdir -p /var/lib/etcd/member/snap && echo db > /var/lib/etcd/member/snap/db
v=/var/lib/kubelet/pods/1111/volumes/kubernetes.io~empty-dir
mkdir -p "$v/cache" "$v/with space" && mount -t tmpfs tmpfs "$v/cache" && mkdir "$v/cache/inner" && mount -t tmpfs tmpfs "$v/cache/inner"
mount -t tmpfs tmpfs "$v/with space"
mkdir -p /root/rpuser-home/.kube
printf 'clusters:\\n- cluster:\\n    server: https://10.0.0.1:6443\\n  name: lab\\n' > /root/rpuser-home/.kube/config
`;

/** The user's own things: none of this may change. */
const USER_STATE = `
iptables -P FORWARD DROP
iptables -A INPUT -p tcp --dport 2222 -m comment --comment user-rule -j ACCEPT
iptables -N MYKUBE-LOG
iptables -A MYKUBE-LOG -j ACCEPT
iptables -N USER-CHAIN
iptables -A USER-CHAIN -j KUBE-FIREWALL
iptables -A USER-CHAIN -p udp --dport 53 -j ACCEPT
ip6tables -A INPUT -p tcp --dport 2222 -j ACCEPT
ip link add eth-user type bridge
ip link add cnix type bridge
mkdir -p /etc/keep /var/lib/other && echo mine > /var/lib/other/keep
`;

interface ScratchRun {
  before: string;
  cleanup: string;
  after: string;
  state: string;
}

/** Runs setup, wipe check, cleanup, wipe check and a state dump in one throwaway namespace. */
function runScratch(setup: string, opts: { apiServerUrls?: string[]; probe?: string } = {}): ScratchRun {
  const dir = mkdtempSync(join(tmpdir(), 'rackpilot-teardown-test-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'wipe.sh'), WIPE_CHECK_SCRIPT);
  writeFileSync(join(dir, 'cleanup.sh'), cleanupScript({ sshUser: 'rpuser', apiServerUrls: opts.apiServerUrls ?? ['https://10.0.0.1:6443'], ipvs: false }));
  const probe = opts.probe ?? '';
  const body = `${isolate(join(dir, 'layers'))}${setup}
${probe}
set +e
sh ${dir}/wipe.sh > ${dir}/before
sh ${dir}/cleanup.sh > ${dir}/cleanup 2>&1
sh ${dir}/wipe.sh > ${dir}/after
{ echo '## links'; ip -o link show; echo '## iptables'; iptables -S; iptables -t nat -S; iptables -t mangle -S; echo '## ip6tables'; ip6tables -S; ip6tables -t mangle -S
  echo '## files'; for p in /etc/kubernetes /etc/cni/net.d /var/lib/cni /var/lib/kubelet /var/lib/etcd /root/.kube /run/flannel /root/rpuser-home/.kube/config /var/lib/other/keep /etc/keep; do [ -e "$p" ] && echo "present $p"; done
  echo "etcd-contents:$(ls -A /var/lib/etcd 2>/dev/null)"
  echo '## mounts'; grep -c ' /var/lib/kubelet/' /proc/mounts; grep ' /var/lib/etcd ' /proc/mounts | cut -d' ' -f1
  echo '## pwned'; [ -e /tmp/pwned ] && echo PWNED; } > ${dir}/state 2>&1
kill $(jobs -p) 2>/dev/null
exit 0
`;
  const r = spawnSync('unshare', ['--net', '--mount', '--propagation', 'private', 'sh', '-c', body], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`scratch namespace failed (${r.status}): ${r.stderr}`);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { before: read('before'), cleanup: read('cleanup'), after: read('after'), state: read('state') };
}

describe.skipIf(unavailable)('cleanup and wipe check scripts in a scratch node namespace (real iptables, links, mounts)', () => {
  it('the wipe check lists what a cluster left, with a hint for each', () => {
    const run = runScratch(CLUSTER_LEFTOVERS + USER_STATE, {
      probe: 'ip addr add 10.20.30.40/32 dev lo; cp /bin/sleep /run/kubelet; /run/kubelet 30 >/dev/null 2>&1 & sleep 0.2',
    });
    const items = parseWipeCheck(run.before).map((l) => `${l.kind} ${l.item}`);
    for (const expected of [
      'interface cni0',
      'interface flannel.1',
      'interface kube-ipvs0',
      'interface cali0a1b2c3',
      'interface cali9f8e7d6',
      'interface cnix',
      'mount /var/lib/kubelet/pods/1111/volumes/kubernetes.io~empty-dir/with space',
      'mount /var/lib/kubelet/pods/1111/volumes/kubernetes.io~empty-dir/cache/inner',
      'file /etc/kubernetes',
      'file /etc/cni/net.d',
      'file /var/lib/etcd',
      'file /var/lib/kubelet',
      'file /var/lib/cni',
      'iptables-chain KUBE-FIREWALL (iptables -t filter)',
      'iptables-chain KUBE-SERVICES (iptables -t nat)',
      'iptables-chain FLANNEL-POSTRTG (iptables -t nat)',
      'iptables-chain CNI-HOSTPORT-DNAT (iptables -t nat)',
      'iptables-chain KUBE-KUBELET-CANARY (ip6tables -t mangle)',
      'address 10.96.0.10/32 on kube-ipvs0',
      'address 10.20.30.40/32 on lo',
    ]) {
      expect(items).toContain(expected);
    }
    expect(items.some((i) => /^process kubelet \(pid \d+\)$/.test(i))).toBe(true);
    expect(items).not.toContain('interface eth-user');
    expect(items.join('\n')).not.toMatch(/MYKUBE-LOG|USER-CHAIN|127\.0\.0\.1/);
    const chain = parseWipeCheck(run.before).find((l) => l.item === 'KUBE-SERVICES (iptables -t nat)');
    expect(chain?.hint).toContain('sudo iptables -t nat -X KUBE-SERVICES');
  });

  it("removes the cluster's leftovers and nothing of the user's: rules, policies, links, files stay", () => {
    const run = runScratch(CLUSTER_LEFTOVERS + USER_STATE);
    // The wipe check afterwards: only the user's cnix bridge (a cni prefix the cleanup leaves alone) remains.
    expect(parseWipeCheck(run.after).map((l) => `${l.kind} ${l.item}`)).toEqual(['interface cnix']);

    const [links = '', ipt = '', ip6t = '', files = '', mounts = '', pwned = ''] = run.state.split(/^## \w+$/m).slice(1);
    expect(links).not.toMatch(/\b(cni0|flannel\.1|kube-ipvs0|cali\w+)[:@]/);
    expect(links).toMatch(/eth-user/);
    expect(ipt).not.toMatch(/(?<![A-Z])KUBE-|FLANNEL-|CNI-/);
    expect(ipt).toContain('-P INPUT ACCEPT');
    expect(ipt).toContain('-P FORWARD DROP');
    expect(ipt).toContain('-A INPUT -p tcp -m tcp --dport 2222 -m comment --comment user-rule -j ACCEPT');
    expect(ipt).toContain('-A MYKUBE-LOG -j ACCEPT');
    expect(ipt).toContain('-A USER-CHAIN -p udp -m udp --dport 53 -j ACCEPT');
    expect(ipt).not.toContain('-A USER-CHAIN -j KUBE-FIREWALL');
    expect(ip6t).not.toContain('KUBE-');
    expect(ip6t).toContain('-A INPUT -p tcp -m tcp --dport 2222 -j ACCEPT');
    expect(files.trim().split('\n')).toEqual(['present /var/lib/etcd', 'present /var/lib/other/keep', 'present /etc/keep', 'etcd-contents:']);
    expect(mounts.trim().split('\n')).toEqual(['0', 'etcd-disk']);
    expect(pwned.trim()).toBe('');

    // Every removal is reported by name.
    for (const line of [
      'removed interface cni0',
      'removed interface flannel.1',
      'removed iptables -t filter chain KUBE-FIREWALL',
      'removed iptables -t nat chain KUBE-SERVICES',
      'removed ip6tables -t mangle chain KUBE-KUBELET-CANARY',
      'removed iptables -t nat rule: -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      'removed mount /var/lib/kubelet/pods/1111/volumes/kubernetes.io~empty-dir/with space',
      'removed the contents of /var/lib/etcd (a mount point: the folder stays)',
      'removed /etc/kubernetes',
      'removed /root/.kube',
      'removed /run/flannel',
      'removed /root/rpuser-home/.kube/config (it named only this cluster)',
    ]) {
      expect(run.cleanup.split('\n')).toContain(line);
    }
    expect(run.cleanup).not.toMatch(/^failed /m);
  });

  it("keeps the SSH user's kubeconfig when it also names another cluster", () => {
    const run = runScratch(`${CLUSTER_LEFTOVERS}\nprintf '  - cluster:\\n      server: "https://192.0.2.9:6443/"\\n' >> /root/rpuser-home/.kube/config`);
    expect(run.cleanup).toContain('kept /root/rpuser-home/.kube/config: it also names other clusters');
    expect(run.state).toContain('present /root/rpuser-home/.kube/config');
  });

  it('refuses to rm a folder something is still mounted under', () => {
    // A busy bind mount that a lazy unmount would leave in place is simulated by mounting after the unmount step: the
    // cleanup's own guard is what is tested, so mount something under /etc/kubernetes, which the mount step does not touch.
    const run = runScratch(`${CLUSTER_LEFTOVERS}\nmkdir -p /etc/kubernetes/data && mount -t tmpfs precious /etc/kubernetes/data && echo keep > /etc/kubernetes/data/file`);
    expect(run.cleanup).toMatch(/^kept \/etc\/kubernetes: filesystems are still mounted under it \(\/etc\/kubernetes\/data \)/m);
    expect(run.state).toContain('present /etc/kubernetes');
    expect(parseWipeCheck(run.after).map((l) => l.item)).toContain('/etc/kubernetes');
  });
});
