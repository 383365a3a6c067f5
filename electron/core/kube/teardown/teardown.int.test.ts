/**
 * Teardown against the stand-in rack: real OpenSSH nodes in their own namespaces, where only the
 * kube tools (kubeadm, kubectl, crictl, systemctl…) are stand-ins. The links, iptables chains,
 * mounts and files the stand-in kubeadm leaves are real, and so is everything the teardown does
 * about them — and the SSH login that must still work afterwards.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../../shared/domain/job';
import { requireStandInRack, startStandInRack, type StandInRack } from '../../testing/kube-rack';
import { createTempApp, tempDir, type TempApp } from '../../testing/temp-app';
import { sshRemote, type KubeNode, type Remote } from '../remote';
import { BACKUP_FILES, type BackupManifest } from './backup-files';
import { checkCleanWipe, planTeardown, runTeardown, TEARDOWN_PHASES, type TeardownResult } from './index';
import { buildStandInCluster, kubeNodesOf, kubectlApply, type StandInCluster } from './stand-in-cluster.fixture';

const skip = requireStandInRack();
const NODES = ['td-cp1', 'td-w1'];

const USER_OBJECTS = `apiVersion: v1
kind: PersistentVolume
metadata:
  name: td-local-pv
spec:
  capacity:
    storage: 5Gi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local-storage
  local:
    path: /mnt/disks/td
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - key: kubernetes.io/hostname
          operator: In
          values: [td-w1]
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: Secret
metadata:
  name: db-password
  namespace: shop
type: Opaque
stringData:
  password: hunter2-teardown
`;

const USER_RULE = '-A INPUT -p tcp -m tcp --dport 2222 -m comment --comment user-rule -j ACCEPT';

describe.skipIf(skip)('teardown with a safety net (stand-in kubeadm)', () => {
  let rack: StandInRack;
  let t: TempApp;
  let remote: Remote;
  let dataDir: string;

  beforeAll(async () => {
    rack = await startStandInRack({ tag: 'tdn', nodes: NODES.map((name) => ({ name })) });
    t = createTempApp();
    rack.authorize(t.app.services.ssh.publicKey!.authorizedKey);
    remote = sshRemote(t.app.services.ssh);
    dataDir = tempDir('rackpilot-teardown-backups-');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await rack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const node = (name: string) => rack.node(name);
  const sh = (name: string, cmd: string) => node(name).exec(cmd);

  /** The user's own firewall, set before the cluster exists: it must come out of the teardown unchanged. */
  function addUserFirewall(): void {
    for (const n of NODES) {
      expect(sh(n, 'iptables -C INPUT -p tcp --dport 2222 -m comment --comment user-rule -j ACCEPT 2>/dev/null || iptables -A INPUT -p tcp --dport 2222 -m comment --comment user-rule -j ACCEPT').code).toBe(0);
      sh(n, 'iptables -P FORWARD DROP');
    }
  }

  async function freshCluster(name: string): Promise<StandInCluster> {
    // A test that failed halfway leaves its cluster behind: clear it, so this test starts fresh.
    if (NODES.some((n) => sh(n, 'test -e /etc/kubernetes/kubelet.conf').code === 0)) {
      const nodes = kubeNodesOf(rack, NODES);
      sh('td-cp1', 'test -e /root/etcd-server.key && mv /root/etcd-server.key /etc/kubernetes/pki/etcd/server.key');
      const job = t.app.services.jobs.start({ kind: 'test.cleanup', title: 'clear the rack', phases: TEARDOWN_PHASES }, (ctx) =>
        runTeardown({ remote }, { clusterName: 'leftover', nodes, mode: 'soft', backupDir: join(dataDir, `leftover-${name}`) }, ctx),
      );
      await t.app.services.jobs.settled(job.id);
    }
    addUserFirewall();
    return buildStandInCluster(remote, rack, name, NODES);
  }

  async function teardownJob(c: StandInCluster, mode: 'full' | 'soft', backupDir: string): Promise<Job> {
    const job = t.app.services.jobs.start({ kind: 'cluster.teardown', title: `Tear down ${c.spec.name}`, phases: TEARDOWN_PHASES }, (ctx) =>
      runTeardown({ remote }, { clusterName: c.spec.name, nodes: c.nodes, mode, backupDir, endpoint: c.rendered.endpoint }, ctx),
    );
    return t.app.services.jobs.settled(job.id);
  }
  const jobLog = (job: Job) => t.app.services.jobs.logs(job.id, 0, 50_000).map((l) => l.line).join('\n');

  /** A login the pooled connection has nothing to do with: another app, its own key, a new TCP connection. */
  async function freshLoginWorks(nodes: KubeNode[]): Promise<void> {
    const other = createTempApp();
    try {
      rack.authorize(other.app.services.ssh.publicKey!.authorizedKey);
      const otherRemote = sshRemote(other.app.services.ssh);
      for (const n of nodes) {
        expect(await otherRemote.run(n, 'whoami', { sudo: false, timeoutMs: 30_000 }), n.name).toMatchObject({ exitCode: 0, stdout: `${rack.user}\n` });
        expect(await otherRemote.run(n, 'id -u', { timeoutMs: 30_000 }), n.name).toMatchObject({ exitCode: 0, stdout: '0\n' });
      }
    } finally {
      await other.close();
    }
  }

  function expectUserFirewallIntact(): void {
    for (const n of NODES) {
      const rules = sh(n, 'iptables -S').stdout;
      expect(rules, n).toContain(USER_RULE);
      expect(rules, n).toContain('-P INPUT ACCEPT');
      expect(rules, n).toContain('-P FORWARD DROP');
      expect(rules, n).toContain('-P OUTPUT ACCEPT');
    }
  }

  it('plans: lists the local PV and the Secret a person created, nodes workers first; the wipe check sees the leftovers', async () => {
    const c = await freshCluster('td-plan');
    await kubectlApply(remote, c.nodes[0]!, USER_OBJECTS);

    const plan = await planTeardown(remote, { clusterName: 'td-plan', nodes: c.nodes, backupDir: '/backups/x' });
    expect(plan.apiError).toBeNull();
    expect(plan.nodes.map((n) => n.name)).toEqual(['td-w1', 'td-cp1']);
    expect(plan.losses).toContainEqual({ kind: 'persistent-volume', name: 'td-local-pv', detail: expect.stringContaining("5Gi local volume on td-w1:/mnt/disks/td (its data lives on the node's disk") });
    expect(plan.losses).toContainEqual({ kind: 'secret', name: 'shop/db-password', detail: 'Opaque in namespace shop' });
    expect(plan.losses).toContainEqual({ kind: 'namespace', name: 'shop', detail: 'the namespace and every object in it' });
    expect(plan.losses.filter((l) => l.kind === 'secret' && l.name.startsWith('kube-system/bootstrap-token-'))).toEqual([]);
    expect(JSON.stringify(plan)).not.toContain('hunter2');

    const before = await checkCleanWipe(remote, c.nodes);
    const cp = before.nodes.find((n) => n.name === 'td-cp1')!;
    expect(cp.clean).toBe(false);
    const items = cp.leftovers.map((l) => `${l.kind} ${l.item}`);
    expect(items).toEqual(expect.arrayContaining(['file /etc/kubernetes', 'file /var/lib/etcd', 'interface flannel.1', 'process something listens on 0.0.0.0:6443']));
    expect(items.some((i) => /^iptables-chain KUBE-/.test(i))).toBe(true);
    expect(items.some((i) => i.startsWith('mount /var/lib/kubelet/'))).toBe(true);
    expect(before.nodes.find((n) => n.name === 'td-w1')?.clean).toBe(false);

    // Leave the rack clean for the next test.
    const job = await teardownJob(c, 'full', join(dataDir, 'plan'));
    expect(job.error).toBeNull();
  }, 240_000);

  it('tears down: backup first (snapshot of the API state, PKI, admin.conf), then nothing left — and SSH, sudo and the user firewall survive', async () => {
    const c = await freshCluster('td-full');
    await kubectlApply(remote, c.nodes[0]!, USER_OBJECTS);
    // Once CoreDNS runs, its pods sit on flannel's cni0 bridge: the full set of leftovers.
    expect(sh('td-cp1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system wait --for=condition=Ready pod -l k8s-app=kube-dns --timeout=60s').code).toBe(0);
    const withBridge = NODES.filter((n) => sh(n, 'ip link show cni0').code === 0);
    expect(withBridge.length).toBeGreaterThan(0);
    const adminConf = sh('td-cp1', 'cat /etc/kubernetes/admin.conf').stdout;
    const callsBefore = rack.calls().length;
    const backupDir = join(dataDir, 'full');

    const job = await teardownJob(c, 'full', backupDir);
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ state: 'succeeded', phases: TEARDOWN_PHASES, progress: 1 });
    const result = job.result as TeardownResult;

    // The backup was taken before anything was removed: the snapshot precedes every reset.
    const calls = rack.calls().slice(callsBefore);
    const snapshotAt = calls.findIndex((x) => x.tool === 'crictl' && x.args.includes('snapshot'));
    const firstReset = calls.findIndex((x) => x.tool === 'kubeadm' && x.args[0] === 'reset');
    expect(snapshotAt).toBeGreaterThanOrEqual(0);
    expect(firstReset).toBeGreaterThan(snapshotAt);
    expect(calls.filter((x) => x.tool === 'kubeadm' && x.args[0] === 'reset').map((x) => x.node)).toEqual(['td-w1', 'td-cp1']);
    expect(calls.some((x) => x.tool === 'kubectl' && x.args.includes('drain') && x.args.includes('td-w1'))).toBe(true);

    expect(result.backup).toMatchObject({ reason: 'teardown', dir: backupDir });
    expect(statSync(backupDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(backupDir).sort()).toEqual(['admin.conf', 'etcd-snapshot.db', 'manifest.json', 'pki.tar.gz']);
    const manifest = JSON.parse(readFileSync(join(backupDir, BACKUP_FILES.manifest), 'utf8')) as BackupManifest;
    expect(manifest).toMatchObject({ cluster: 'td-full', etcdSnapshot: true, sourceNode: 'td-cp1', notes: [] });
    for (const f of manifest.files) {
      const content = readFileSync(join(backupDir, f.name));
      expect(statSync(join(backupDir, f.name)).mode & 0o777).toBe(0o600);
      expect({ name: f.name, bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') }).toEqual(f);
    }
    expect(result.backup?.files).toEqual(manifest.files);
    // The snapshot holds what the API server held: the user's Secret and PV.
    const snapshot = readFileSync(join(backupDir, BACKUP_FILES.snapshot), 'utf8');
    expect(snapshot).toContain('db-password');
    expect(snapshot).toContain('td-local-pv');
    expect(readFileSync(join(backupDir, BACKUP_FILES.adminConf), 'utf8')).toBe(adminConf);
    const tarList = execFileSync('tar', ['tzf', join(backupDir, BACKUP_FILES.pki)]).toString().split('\n');
    expect(tarList).toEqual(expect.arrayContaining(['pki/ca.crt', 'pki/ca.key', 'pki/etcd/ca.crt', 'pki/sa.key']));

    // The wipe check says clean, and the nodes agree.
    expect(result.wipe.nodes.map((n) => [n.name, n.clean, n.leftovers, n.error])).toEqual([
      ['td-w1', true, [], null],
      ['td-cp1', true, [], null],
    ]);
    expect((await checkCleanWipe(remote, c.nodes)).nodes.every((n) => n.clean)).toBe(true);
    for (const n of NODES) {
      expect(sh(n, 'ip -o link show').stdout, n).not.toMatch(/\b(cni0|flannel\.1)\b/);
      expect(sh(n, 'iptables -S; iptables -t nat -S; iptables -t mangle -S').stdout, n).not.toMatch(/KUBE-|FLANNEL-|CNI-/);
      expect(sh(n, 'test -e /etc/kubernetes || test -e /var/lib/kubelet || test -e /etc/cni/net.d').code, n).not.toBe(0);
      expect(sh(n, 'grep -c " /var/lib/kubelet/" /proc/mounts').stdout.trim(), n).toBe('0');
    }
    expectUserFirewallIntact();
    await freshLoginWorks(c.nodes);

    const log = jobLog(job);
    for (const n of withBridge) expect(log).toContain(`${n}: removed interface cni0`);
    expect(log).toContain('td-cp1: removed interface flannel.1');
    expect(log).toMatch(/td-w1: removed iptables -t nat chain KUBE-/);
    expect(log).toContain('The reset process does not clean CNI configuration');
    expect(log).not.toMatch(/hunter2|[a-z0-9]{6}\.[a-z0-9]{16}/);
  }, 240_000);

  it('refuses to tear down a live cluster whose etcd snapshot fails, and removes nothing', async () => {
    const c = await freshCluster('td-live');
    // etcd refuses clients when its serving key is gone; the API server keeps answering.
    sh('td-cp1', 'mv /etc/kubernetes/pki/etcd/server.key /root/etcd-server.key');
    const callsBefore = rack.calls().length;
    const backupDir = join(dataDir, 'live');

    const job = await teardownJob(c, 'full', backupDir);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('E_BACKUP_FAILED');
    expect(job.error?.message).toMatch(/Could not take an etcd snapshot of td-live on td-cp1 .*its API server still answers.*nothing was removed/);
    expect(rack.calls().slice(callsBefore).filter((x) => x.tool === 'kubeadm' || x.args.includes('drain'))).toEqual([]);
    expect(sh('td-cp1', 'test -f /etc/kubernetes/admin.conf && test -d /var/lib/etcd').code).toBe(0);
    expect(sh('td-w1', 'test -f /etc/kubernetes/kubelet.conf').code).toBe(0);
    expect(existsSync(join(backupDir, BACKUP_FILES.manifest))).toBe(false);

    sh('td-cp1', 'mv /root/etcd-server.key /etc/kubernetes/pki/etcd/server.key');
    expect((await teardownJob(c, 'full', backupDir)).error).toBeNull();
  }, 240_000);

  it('goes ahead when the API server is already dead: PKI and kubeconfig only, and it says so', async () => {
    const c = await freshCluster('td-dead');
    const cp = c.nodes[0]!;
    sh('td-cp1', 'mv /etc/kubernetes/pki/etcd/server.key /root/etcd-server.key');
    const server = JSON.parse(readFileSync(join(rack.dir, 'apiservers', `${cp.address}.json`), 'utf8')) as { pid: number };
    process.kill(server.pid, 'SIGKILL');
    const backupDir = join(dataDir, 'dead');

    const job = await teardownJob(c, 'full', backupDir);
    expect(job.error).toBeNull();
    const result = job.result as TeardownResult;
    expect(readdirSync(backupDir).sort()).toEqual(['admin.conf', 'manifest.json', 'pki.tar.gz']);
    expect(result.warnings[0]).toMatch(/^No etcd snapshot: .*The API server does not answer either .*the backup holds the PKI and the admin kubeconfig only\.$/);
    expect(result.warnings.some((w) => /workers were not drained/.test(w))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(backupDir, BACKUP_FILES.manifest), 'utf8')) as BackupManifest;
    expect(manifest).toMatchObject({ etcdSnapshot: false, notes: [result.warnings[0]] });
    expect(result.wipe.nodes.every((n) => n.clean)).toBe(true);
    expectUserFirewallIntact();
  }, 240_000);

  it('soft reset: same kubeadm-level cleanup, packages stay, and kubeadm init works again on the same nodes', async () => {
    const c = await freshCluster('td-soft');
    const backupDir = join(dataDir, 'soft');
    const job = await teardownJob(c, 'soft', backupDir);
    expect(job.error).toBeNull();
    const result = job.result as TeardownResult;
    expect(result.backup).toMatchObject({ reason: 'soft-reset' });
    expect(result.backup?.files.map((f) => f.name).sort()).toEqual(['admin.conf', 'etcd-snapshot.db', 'pki.tar.gz']);
    expect(result.wipe.nodes.every((n) => n.clean)).toBe(true);
    expect(jobLog(job)).toContain('Soft reset (kubeadm level, the OS stays) of td-soft');
    for (const n of NODES) expect(sh(n, 'kubeadm version -o short').stdout.trim(), n).toMatch(/^v1\.\d+\.\d+$/);
    expectUserFirewallIntact();
    await freshLoginWorks(c.nodes);

    // What kubeadm's preflight insists on is gone: the same nodes take a new cluster at once.
    const again = await buildStandInCluster(remote, rack, 'td-soft-2', NODES);
    expect(sh('td-cp1', 'test -f /etc/kubernetes/admin.conf').code).toBe(0);
    expect((await teardownJob(again, 'soft', join(dataDir, 'soft-2'))).error).toBeNull();
  }, 240_000);
});
