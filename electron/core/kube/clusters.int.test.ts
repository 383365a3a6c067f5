/**
 * The whole cluster lifecycle through the API (issue 7), on the stand-in rack: real sshd nodes in
 * their own network, mount and UTS namespaces where only kubeadm, kubectl, kubelet, crictl,
 * systemctl and apt are stand-ins (Kubernetes cannot be obtained on these machines).
 * save → preflight → bootstrap → status → kubeconfig merge → teardown plan → soft teardown →
 * rebuild, and a rebuild interrupted by an app restart that resumes where it stopped.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, CleanWipeReport, PreflightReport } from '../../../shared/domain/cluster-record';
import type { Job } from '../../../shared/domain/job';
import type { Node } from '../../../shared/domain/node';
import { requireStandInRack, startStandInRack, type StandInRack } from '../testing/kube-rack';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';

const skip = requireStandInRack();
const CLUSTER = 'lab';

async function settle(t: TempApp, job: Job, timeoutMs = 240_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await t.client.call('jobs.get', { id: job.id });
    if (!['queued', 'running'].includes(now.state)) return now;
    if (Date.now() > deadline) throw new Error(`job ${job.title} still ${now.state} at phase ${now.phase}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function logOf(t: TempApp, job: Job): Promise<string> {
  return (await t.client.call('jobs.logs', { id: job.id, limit: 5000 })).map((l) => l.line).join('\n');
}

async function expectSucceeded(t: TempApp, job: Job): Promise<Job> {
  const done = await settle(t, job);
  if (done.state !== 'succeeded') throw new Error(`${done.title} ${done.state}: ${done.error?.message}\n${(await logOf(t, done)).slice(-4000)}`);
  return done;
}

async function addRackNodes(t: TempApp, rack: StandInRack): Promise<Node[]> {
  const key = await t.client.call('ssh.publicKey', {});
  if (!key) throw new Error('the app has no SSH key');
  rack.authorize(key.authorizedKey);
  const nodes: Node[] = [];
  for (const [i, n] of rack.nodes.entries()) {
    const node = await t.client.call('nodes.create', { name: n.name, mac: `52:54:00:7a:00:${(i + 1).toString(16).padStart(2, '0')}`, address: n.address, sshUser: rack.user, sshPort: n.port });
    const scan = await t.client.call('nodes.scanHostKey', { id: node.id });
    nodes.push(await t.client.call('nodes.acceptHostKey', { id: node.id, fingerprint: scan.presented.fingerprint }));
  }
  return nodes;
}

describe.skipIf(skip)('cluster lifecycle through the API (stand-in kubeadm on real sshd nodes)', () => {
  let rack: StandInRack;
  let t: TempApp;
  let nodes: Node[];
  const kubeDir = tempDir('rackpilot-kube-');
  const kubeconfigPath = join(kubeDir, 'config');

  beforeAll(async () => {
    rack = await startStandInRack({ tag: 'clus', nodes: [{ name: 'cp-1' }, { name: 'worker-1' }] });
    t = createTempApp(undefined, { kubeconfigPath });
    nodes = await addRackNodes(t, rack);
  }, 120_000);

  afterAll(async () => {
    await t?.close({ keepDir: false });
    await rack?.stop();
  }, 60_000);

  it('saves a spec and reports inventory problems without losing it', async () => {
    const bad = await t.client.call('clusters.save', { spec: { name: CLUSTER, controlPlane: [nodes[0]!.id], workers: [nodes[0]!.id] } });
    expect(bad.issues.map((i) => i.code)).toContain('node-in-both-roles');
    const good = await t.client.call('clusters.save', { spec: { name: CLUSTER, controlPlane: [nodes[0]!.id], workers: [nodes[1]!.id] } });
    expect(good.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(good.cluster.state).toBe('draft');
    expect((await t.client.call('clusters.list', {})).map((c) => c.name)).toEqual([CLUSTER]);
  });

  it('preflight checks every node and passes on a healthy rack', async () => {
    const job = await expectSucceeded(t, await t.client.call('clusters.preflight', { name: CLUSTER }));
    const report = job.result as PreflightReport;
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    expect(new Set(report.checks.map((c) => c.nodeId)).size).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('bootstraps the cluster, fetches its kubeconfig and shows its status', async () => {
    const job = await expectSucceeded(t, await t.client.call('clusters.bootstrap', { name: CLUSTER }));
    const cluster = await t.client.call('clusters.get', { name: CLUSTER });
    expect(cluster).toMatchObject({ state: 'ready', hasKubeconfig: true, endpoint: `${rack.nodes[0]!.address}:6443`, lastJobId: job.id });
    expect(rack.calls({ tool: 'kubeadm' }).filter((c) => c.args[0] === 'init' && c.args.length > 1 && !c.args.includes('phase'))).toHaveLength(1);

    const status = await t.client.call('clusters.status', { name: CLUSTER });
    expect(status.reachable).toBe(true);
    expect(status.nodes.map((n) => [n.name, n.ready]).sort()).toEqual([['cp-1', true], ['worker-1', true]]);
    expect(status.nodes.find((n) => n.name === 'cp-1')?.roles).toContain('control-plane');
    expect(status.systemPods.some((p) => p.name.startsWith('coredns') && p.phase === 'Running')).toBe(true);
    const year = Date.now() + 360 * 24 * 3600_000;
    expect(Date.parse(status.certificates?.earliestExpiry ?? '')).toBeGreaterThan(year);
  }, 300_000);

  it('re-running the bootstrap detects every phase as done and runs no second kubeadm init', async () => {
    const before = rack.calls({ tool: 'kubeadm' }).length;
    const job = await expectSucceeded(t, await t.client.call('clusters.bootstrap', { name: CLUSTER }));
    const phases = job.result as { name: string; outcome: string }[];
    expect(phases.filter((p) => p.outcome !== 'skipped')).toEqual([]);
    expect(rack.calls({ tool: 'kubeadm' }).slice(before).filter((c) => c.args[0] === 'init' || c.args[0] === 'join')).toEqual([]);
  }, 180_000);

  it('merges the kubeconfig beside other contexts, with a backup first', async () => {
    const other = { apiVersion: 'v1', kind: 'Config', 'current-context': 'home', clusters: [{ name: 'home', cluster: { server: 'https://10.0.0.1:6443' } }], users: [{ name: 'home-admin', user: { token: 'x' } }], contexts: [{ name: 'home', context: { cluster: 'home', user: 'home-admin' } }] };
    writeFileSync(kubeconfigPath, JSON.stringify(other));
    const file = await t.client.call('clusters.kubeconfig', { name: CLUSTER });
    expect(parse(file.yaml).clusters[0].cluster.server).toBe(`https://${rack.nodes[0]!.address}:6443`);
    const merged = await t.client.call('clusters.mergeKubeconfig', { name: CLUSTER });
    expect(merged.path).toBe(kubeconfigPath);
    expect(merged.backupPath && existsSync(merged.backupPath)).toBeTruthy();
    const config = parse(readFileSync(kubeconfigPath, 'utf8'));
    expect(config.contexts.map((c: { name: string }) => c.name).sort()).toEqual(['home', CLUSTER]);
    expect(config['current-context']).toBe('home');
  });

  it('plans the teardown (order and losses), refuses without the name, then soft-resets with a backup and keeps SSH working', async () => {
    rack.node('cp-1').exec(`cat > /tmp/pv.yaml <<'EOF'
apiVersion: v1
kind: PersistentVolume
metadata: { name: data-pv }
spec: { capacity: { storage: 5Gi }, accessModes: [ReadWriteOnce], hostPath: { path: /srv/data } }
EOF
kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f /tmp/pv.yaml`);
    const plan = await t.client.call('clusters.teardownPlan', { name: CLUSTER });
    expect(plan.nodes.map((n) => n.name)).toEqual(['worker-1', 'cp-1']);
    expect(plan.losses.some((l) => l.kind === 'persistent-volume' && l.name === 'data-pv')).toBe(true);

    await expect(t.client.call('clusters.teardown', { name: CLUSTER, confirmName: 'nope', mode: 'soft' })).rejects.toMatchObject({ code: 'E_CONFIRMATION_REQUIRED' });
    const job = await expectSucceeded(t, await t.client.call('clusters.teardown', { name: CLUSTER, confirmName: CLUSTER, mode: 'soft' }));
    const { wipe } = job.result as { wipe: CleanWipeReport };
    expect(wipe.nodes.map((n) => [n.name, n.clean, n.leftovers])).toEqual([['worker-1', true, []], ['cp-1', true, []]].sort((a, b) => wipe.nodes.findIndex((n) => n.name === a[0]) - wipe.nodes.findIndex((n) => n.name === b[0])));
    const cluster: Cluster = await t.client.call('clusters.get', { name: CLUSTER });
    expect(cluster).toMatchObject({ state: 'torn-down', hasKubeconfig: false });
    expect(cluster.backups).toHaveLength(1);
    for (const f of cluster.backups[0]!.files) expect(existsSync(join(cluster.backups[0]!.dir, f.name))).toBe(true);

    // A brand-new SSH login (not the pooled connection) still works on every node.
    const fresh = createTempApp(undefined, {});
    try {
      rack.authorize((await fresh.client.call('ssh.publicKey', {}))!.authorizedKey);
      const again = await addRackNodes(fresh, rack);
      const run = await expectSucceeded(fresh, await fresh.client.call('nodes.runCommand', { ids: again.map((n) => n.id), command: 'id -u', sudo: true }));
      expect((run.result as { results: { stdout: string }[] }).results.map((r) => r.stdout.trim())).toEqual(['0', '0']);
    } finally {
      await fresh.close();
    }
  }, 300_000);

  it('rebuilds the torn-down cluster (no reinstall) and resumes a rebuild interrupted by an app restart', async () => {
    const job = await expectSucceeded(t, await t.client.call('clusters.rebuild', { name: CLUSTER, confirmName: CLUSTER, reinstall: false, reapplyStacks: true }));
    expect(job.phases).toEqual(['Teardown', 'Reinstall', 'Phone home', 'Provisioning', 'Bootstrap', 'Stacks']);
    expect(await t.client.call('clusters.get', { name: CLUSTER })).toMatchObject({ state: 'ready', rebuild: { step: 'done' } });
    // The rebuild made a new CA; the context merged from the earlier build is this cluster's and gets replaced.
    expect(await t.client.call('clusters.mergeKubeconfig', { name: CLUSTER })).toMatchObject({ replaced: true, contextName: CLUSTER });

    // Second rebuild, stopped by closing the app while it bootstraps; a new app on the same data resumes it.
    rack.fault('cp-1', 'slow-init');
    const second = await t.client.call('clusters.rebuild', { name: CLUSTER, confirmName: CLUSTER, reinstall: false, reapplyStacks: false });
    // Wait until kubeadm init runs (the fault keeps it busy for a while), then quit the app.
    for (let i = 0; i < 600 && !/Bootstrap › kubeadm init/.test(await logOf(t, second)); i++) await new Promise((r) => setTimeout(r, 300));
    await new Promise((r) => setTimeout(r, 3000));
    expect((await t.client.call('jobs.get', { id: second.id })).state).toBe('running');
    const dir = t.dir;
    await t.close({ keepDir: true });
    rack.clearFaults('cp-1');
    t = createTempApp(dir, { kubeconfigPath });
    const interrupted = await t.client.call('jobs.get', { id: second.id });
    expect(interrupted.state, `${interrupted.error?.message}\n${(await logOf(t, interrupted)).slice(-3000)}`).toBe('interrupted');
    const stored = await t.client.call('clusters.get', { name: CLUSTER });
    expect(stored.rebuild?.step).toBe('bootstrap');
    const resumed = await expectSucceeded(t, await t.client.call('clusters.rebuild', { name: CLUSTER, confirmName: CLUSTER, reinstall: false, reapplyStacks: false }));
    expect(resumed.title).toMatch(/^Resume rebuild/);
    expect(await logOf(t, resumed)).toMatch(/Resuming the rebuild of lab at "Bootstrap"/);
    expect(await t.client.call('clusters.get', { name: CLUSTER })).toMatchObject({ state: 'ready', rebuild: { step: 'done' } });
  }, 600_000);
});
