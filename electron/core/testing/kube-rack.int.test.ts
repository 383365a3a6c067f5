/**
 * The stand-in rack itself: real sshd nodes in their own namespaces, reachable from the host and
 * from each other, with the stand-in systemctl/apt-get/apt-mark/curl/crictl answering like the
 * real tools. Root only (skipped locally without it, fails under CI).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipeParamsSchema } from '../../../shared/domain/recipe';
import { k8sPrereqsRecipe } from '../recipes/builtins/k8s-prereqs';
import { rackSsh, type RackSshResult } from './kube-rack-ssh';
import { requireStandInRack, startStandInRack, type StandInNode, type StandInRack } from './kube-rack';

const skip = requireStandInRack();

type Result = RackSshResult;

const ssh = (rack: StandInRack, node: StandInNode, cmd: string): Promise<Result> => rackSsh(rack, node, cmd);

const hostIptables = () => execFileSync('iptables', ['-S']).toString();

describe.skipIf(skip)('stand-in rack (stand-in kubeadm tools)', () => {
  let rack: StandInRack;
  let cp: StandInNode;
  let worker: StandInNode;
  let iptablesBefore: string;

  beforeAll(async () => {
    iptablesBefore = hostIptables();
    rack = await startStandInRack({ tag: 'rack', nodes: [{ name: 'cp1', productUuid: '11111111-2222-3333-4444-555555555555' }, { name: 'w1', swap: true, systemdCgroup: false }, { name: 'w2', swap: true, systemdCgroup: false }] });
    cp = rack.node('cp1');
    worker = rack.node('w1');
  });
  afterAll(async () => {
    await rack?.stop();
  });

  it('logs in over each node address with the rack key; sudo runs as root on a host named after the node', async () => {
    for (const node of rack.nodes) {
      const r = await ssh(rack, node, 'whoami; sudo -n hostname; sudo -n id -u');
      expect(r).toMatchObject({ code: 0, stdout: `${rack.user}\n${node.name}\n0\n` });
    }
    expect(cp.address).not.toBe(worker.address);
  });

  it('gives each node its own product_uuid (root-only, as on real hardware), swap view and containerd config', async () => {
    const uuid = async (n: StandInNode) => (await ssh(rack, n, 'sudo -n cat /sys/class/dmi/id/product_uuid')).stdout.trim();
    expect(await uuid(cp)).toBe('11111111-2222-3333-4444-555555555555');
    expect(await uuid(worker)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await uuid(worker)).not.toBe(await uuid(cp));
    expect((await ssh(rack, cp, 'cat /sys/class/dmi/id/product_uuid')).code).not.toBe(0);
    // The ssh user's PATH has no /usr/sbin (Debian's default), as on a real node.
    expect(await ssh(rack, cp, '/usr/sbin/swapon --noheadings --show=NAME')).toMatchObject({ code: 0, stdout: '' });
    expect(await ssh(rack, worker, '/usr/sbin/swapon --noheadings --show=NAME')).toMatchObject({ code: 0, stdout: '/swap.img\n' });
    expect(worker.exec("grep -c swap /etc/fstab").stdout.trim()).toBe('1');
    expect(cp.exec('grep SystemdCgroup /etc/containerd/config.toml').stdout).toMatch(/SystemdCgroup = true/);
    expect(worker.exec('grep SystemdCgroup /etc/containerd/config.toml').stdout).toMatch(/SystemdCgroup = false/);
    // Swap goes off the way the k8s-prereqs recipe turns it off.
    expect(await ssh(rack, worker, 'sudo -n swapoff -a && sudo -n swapon --noheadings --show=NAME')).toMatchObject({ code: 0, stdout: '' });
  });

  it('keeps each node\'s files to itself: a file written on one node is absent on the other and on the host', async () => {
    expect((await ssh(rack, cp, 'sudo -n mkdir -p /etc/kubernetes && echo cp1 | sudo -n tee /etc/kubernetes/mine >/dev/null && cat /etc/kubernetes/mine')).stdout).toBe('cp1\n');
    expect(worker.exec('test -e /etc/kubernetes/mine').code).toBe(1);
    expect(spawnSync('test', ['-e', '/etc/kubernetes/mine']).status).toBe(1);
    // Removing a whole directory works as on a real disk (teardown does `rm -rf /etc/kubernetes`).
    expect(cp.exec('rm -rf /etc/kubernetes && test ! -e /etc/kubernetes').code).toBe(0);
  });

  it('connects the nodes through the rack switch: node A reaches node B\'s sshd over TCP', () => {
    const probe = (from: StandInNode, to: StandInNode) =>
      from.exec(`timeout 5 bash -c 'exec 3<>/dev/tcp/${to.address}/22 && head -c 8 <&3'`);
    expect(probe(cp, worker)).toMatchObject({ code: 0, stdout: 'SSH-2.0-' });
    expect(probe(worker, cp)).toMatchObject({ code: 0, stdout: 'SSH-2.0-' });
  });

  it('keeps iptables changes inside the node: the host rules are unchanged', () => {
    expect(cp.exec('iptables -N KUBE-FORWARD && iptables -A FORWARD -j KUBE-FORWARD && iptables -S').stdout).toMatch(/-A FORWARD -j KUBE-FORWARD/);
    expect(worker.exec('iptables -S').stdout).not.toMatch(/KUBE-FORWARD/);
    expect(hostIptables()).toBe(iptablesBefore);
  });

  it('stand-in systemctl answers with systemd\'s states, texts and exit codes', async () => {
    expect(await ssh(rack, cp, 'systemctl is-active containerd')).toMatchObject({ code: 0, stdout: 'active\n' });
    expect(await ssh(rack, cp, 'systemctl is-active kubelet')).toMatchObject({ code: 3, stdout: 'inactive\n' });
    expect(await ssh(rack, cp, 'systemctl status foo')).toMatchObject({ code: 4, stderr: 'Unit foo.service could not be found.\n' });
    expect(await ssh(rack, cp, 'sudo -n systemctl start foo')).toMatchObject({ code: 5, stderr: 'Failed to start foo.service: Unit foo.service not found.\n' });
    expect((await ssh(rack, cp, 'systemctl restart containerd')).stderr).toMatch(/Interactive authentication required/);
    expect((await ssh(rack, cp, 'sudo -n systemctl stop containerd; systemctl is-active containerd; sudo -n systemctl enable --now containerd; systemctl is-active -q containerd')).code).toBe(0);
    // A containerd config containerd itself rejects makes the restart fail, as the real unit does.
    cp.exec('cp /etc/containerd/config.toml /tmp/good.toml && echo "this is = = not toml" >> /etc/containerd/config.toml');
    expect((await ssh(rack, cp, 'sudo -n systemctl restart containerd')).code).toBe(1);
    expect((await ssh(rack, cp, 'systemctl is-active containerd')).stdout).toBe('failed\n');
    cp.exec('cp /tmp/good.toml /etc/containerd/config.toml');
    expect((await ssh(rack, cp, 'sudo -n systemctl reboot')).code).toBe(0);
    expect(rack.calls({ node: 'cp1', tool: 'systemctl' }).some((c) => c.args[0] === 'reboot')).toBe(true);
  });

  it('stand-in apt-get installs the kube packages only from a signed pkgs.k8s.io repository, and apt-mark holds them', async () => {
    const missing = await ssh(rack, cp, 'sudo -n apt-get update -q && sudo -n apt-get install -y kubelet kubeadm kubectl');
    expect(missing).toMatchObject({ code: 100 });
    expect(missing.stderr).toMatch(/^E: Unable to locate package kubelet$/m);
    expect((await ssh(rack, cp, 'kubeadm version')).code).toBe(127);
    // Unknown hosts never resolve: curl never touches the network.
    expect(await ssh(rack, cp, 'curl -fsSL https://example.com/key')).toMatchObject({ code: 6, stderr: 'curl: (6) Could not resolve host: example.com\n' });

    const setup = [
      'set -e',
      'curl -fsSL https://pkgs.k8s.io/core:/stable:/v1.34/deb/Release.key | sudo -n gpg --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg',
      "echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.34/deb/ /' | sudo -n tee /etc/apt/sources.list.d/kubernetes.list >/dev/null",
      'sudo -n apt-get update -q',
      'sudo -n apt-get install -y kubelet=1.34.* kubeadm=1.34.* kubectl=1.34.*',
      'sudo -n apt-mark hold kubelet kubeadm kubectl',
      'apt-mark showhold',
    ].join('\n');
    const installed = await ssh(rack, cp, setup);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/Setting up kubelet \(1\.34\.1-1\.1\) \.\.\./);
    expect(installed.stdout).toMatch(/^kubelet set on hold\.$/m);
    expect(installed.stdout.trim().split('\n').slice(-3)).toEqual(['kubeadm', 'kubectl', 'kubelet']);
    expect(cp.exec('for c in kubeadm kubectl kubelet crictl; do command -v $c; done').stdout).toBe('/usr/bin/kubeadm\n/usr/bin/kubectl\n/usr/bin/kubelet\n/usr/bin/crictl\n');
    expect(worker.exec('command -v kubeadm').code).not.toBe(0);
    // The kubelet unit came with the package: started, crash-looping until kubeadm configures it.
    expect(await ssh(rack, cp, 'systemctl is-enabled kubelet; systemctl is-active kubelet')).toMatchObject({ code: 3, stdout: 'enabled\nactivating\n' });
    // Held packages do not move without --allow-change-held-packages.
    const held = await ssh(rack, cp, 'sudo -n apt-get remove -y kubeadm');
    expect(held).toMatchObject({ code: 100 });
    expect(held.stderr).toMatch(/E: Held packages were changed and -y was used without --allow-change-held-packages\./);
    // dpkg and apt-cache see the stand-in's packages (held ones as "hi"); the list file is fresh.
    expect((await ssh(rack, cp, "dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n' kubeadm")).stdout).toBe('kubeadm 1.34.1-1.1 hi \n');
    expect((await ssh(rack, cp, 'dpkg -l kubelet')).stdout).toMatch(/^hi {2}kubelet +1\.34\.1-1\.1 /m);
    expect((await ssh(rack, worker, 'dpkg -s kubeadm')).code).toBe(1);
    expect((await ssh(rack, cp, 'apt-cache policy kubeadm')).stdout).toMatch(/Installed: 1\.34\.1-1\.1\n {2}Candidate: 1\.34\.1-1\.1/);
    expect(cp.exec("find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60").stdout).toMatch(/pkgs\.k8s\.io_core:_stable:_v1\.34_deb_Packages/);
    // Debian's own packages are the host's, already installed.
    expect((await ssh(rack, cp, 'sudo -n apt-get install -y containerd')).stdout).toMatch(/^containerd is already the newest version \(.+\)\.$/m);
  });

  it('a repository whose key file is missing fails apt-get update as apt does', async () => {
    const r = await ssh(
      rack,
      worker,
      "printf 'Types: deb\\nURIs: https://pkgs.k8s.io/core:/stable:/v1.33/deb/\\nSuites: /\\nSigned-By: /etc/apt/keyrings/nope.gpg\\n' | sudo -n tee /etc/apt/sources.list.d/kubernetes.sources >/dev/null && sudo -n apt-get update",
    );
    expect(r.code).toBe(100);
    expect(r.stderr).toMatch(/E: The repository 'https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v1\.33\/deb\/ InRelease' is not signed\./);
  });

  it('stand-in crictl saves an etcd snapshot only when etcd runs with state, and every call is recorded', () => {
    cp.exec('mkdir -p /etc/kubernetes/manifests /etc/kubernetes/pki/etcd /var/lib/etcd && touch /etc/kubernetes/pki/etcd/ca.crt /etc/kubernetes/pki/etcd/server.crt /etc/kubernetes/pki/etcd/server.key');
    expect(cp.exec('crictl ps --name etcd -q')).toMatchObject({ code: 0, stdout: '' });
    cp.exec("printf 'apiVersion: v1\\nkind: Pod\\nspec:\\n  containers:\\n  - image: registry.k8s.io/etcd:3.6.4-0\\n' > /etc/kubernetes/manifests/etcd.yaml");
    const id = cp.exec('crictl ps --name etcd -q').stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const save = `crictl exec ${id} etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key snapshot save /var/lib/etcd/snap.db`;
    expect(cp.exec(save)).toMatchObject({ code: 1, stderr: expect.stringMatching(/Error: context deadline exceeded/) });
    cp.exec(`echo '{"nodes":["cp1"]}' > /var/lib/etcd/standin-state.json`);
    expect(cp.exec(save)).toMatchObject({ code: 0, stdout: 'Snapshot saved at /var/lib/etcd/snap.db\n' });
    expect(JSON.parse(cp.exec('cat /var/lib/etcd/snap.db').stdout)).toMatchObject({ state: { nodes: ['cp1'] } });

    const calls = rack.calls({ node: 'cp1', tool: 'crictl' });
    expect(calls.map((c) => [c.args[0], c.exitCode])).toEqual([['ps', 0], ['ps', 0], ['exec', 1], ['exec', 0]]);
    expect(rack.calls({ tool: 'apt-get' }).some((c) => c.node === 'w1' && c.exitCode === 100)).toBe(true);
  });

  it('stand-in journalctl prints a unit\'s journal (root only), and systemctl says the kubelet crash-loops while kubelet.failed exists', async () => {
    expect(await ssh(rack, worker, 'sudo -n journalctl -u kubelet --no-pager')).toMatchObject({ code: 0, stdout: '-- No entries --\n' });
    worker.exec("mkdir -p /run/standin/journal && printf 'Nov 24 08:12:01 w1 kubelet[812]: one\\nNov 24 08:12:02 w1 kubelet[812]: two\\n' > /run/standin/journal/kubelet.service.log");
    expect((await ssh(rack, worker, 'sudo -n journalctl -xeu kubelet -n 1')).stdout).toBe('Nov 24 08:12:02 w1 kubelet[812]: two\n');
    expect((await ssh(rack, worker, 'journalctl -u kubelet')).stdout).toMatch(/-- No entries --/);
    worker.exec(`echo '{"enabled":"enabled","active":true}' > /run/standin/systemd/kubelet.service.json && mkdir -p /var/lib/kubelet && touch /var/lib/kubelet/config.yaml`);
    expect(worker.exec('systemctl is-active kubelet').stdout).toBe('active\n');
    worker.exec('echo "swap is on" > /run/standin/kubelet.failed');
    expect(worker.exec('systemctl is-active kubelet')).toMatchObject({ code: 3, stdout: 'activating\n' });
  });

  it('the real k8s-prereqs recipe finds a fresh node wanting, and its applies make every check pass', () => {
    const node = rack.node('w2');
    const ctx = { nodeName: node.name, adminUser: rack.user, params: recipeParamsSchema.parse({}), os: { id: 'debian', like: [], versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' } };
    const pending = k8sPrereqsRecipe.steps.filter((step) => node.exec(step.check(ctx)).code !== 0).map((s) => s.id);
    expect(pending).toEqual(['swap-off', 'modules', 'sysctls', 'containerd-config']);
    for (const step of k8sPrereqsRecipe.steps) {
      if (!pending.includes(step.id) || !step.apply) continue;
      const applied = node.exec(step.apply(ctx));
      expect(applied.code, `${step.id}: ${applied.stdout}${applied.stderr}`).toBe(0);
    }
    for (const step of k8sPrereqsRecipe.steps) {
      const checked = node.exec(step.check(ctx));
      expect(checked.code, `${step.id}: ${checked.stdout}`).toBe(0);
    }
    expect(rack.calls({ node: 'w2' }).map((c) => `${c.tool} ${c.args[0]}`)).toEqual(
      expect.arrayContaining(['swapoff -a', 'modprobe overlay', 'modprobe br_netfilter', 'systemctl is-active', 'systemctl restart']),
    );
  });

  it('stop() leaves no namespace, sshd, user or rack directory behind', async () => {
    const { user, dir } = rack;
    const namespaces = rack.nodes.map((n) => n.ns);
    await rack.stop();
    await rack.stop(); // idempotent
    const nsList = execFileSync('ip', ['netns', 'list']).toString();
    for (const ns of namespaces) expect(nsList).not.toContain(ns);
    expect(spawnSync('id', [user]).status).not.toBe(0);
    expect(spawnSync('pgrep', ['-f', `${dir}/nodes/`]).status).toBe(1);
    expect(spawnSync('test', ['-e', dir]).status).toBe(1);
    expect(hostIptables()).toBe(iptablesBefore);
  });
});
