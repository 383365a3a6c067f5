/**
 * The bootstrap job against the stand-in rack: real OpenSSH nodes in their own network, mount
 * and UTS namespaces, where only kubeadm, kubectl, kubelet, crictl, systemctl, apt and curl are
 * stand-ins (Kubernetes cannot be obtained on these machines). Runs through the real jobs service
 * and the real SSH service of a temp app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterSpecSchema, type ClusterSpec } from '../../../../shared/domain/cluster';
import { requireStandInRack, startStandInRack, type StandInRack } from '../../testing/kube-rack';
import { renderCluster, type RenderedCluster } from '../render/render-cluster';
import { diagnosisCodes, expectSucceeded, initRunning, kubeadm, Lab, TIMING } from './bootstrap-lab';
import { BOOTSTRAP_PHASES } from './index';

const skip = requireStandInRack();
/** No bootstrap token secret and no certificate key in the text (ids and sha256 pins are public). */
function expectNoSecrets(text: string): void {
  expect(text).not.toMatch(/(?<![a-z0-9])[a-z0-9]{6}\.(?!•)[a-z0-9]{16}(?![a-z0-9])/);
  expect(text.replace(/sha256:[0-9a-f]{64}/g, '')).not.toMatch(/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/);
}

describe.skipIf(skip)('bootstrap: one control plane and a worker (stand-in kubeadm)', () => {
  let rack: StandInRack;
  let lab: Lab;
  let spec: ClusterSpec;

  beforeAll(async () => {
    // worker-1's containerd starts with SystemdCgroup = false: the bootstrap must put it right.
    rack = await startStandInRack({ tag: 'boot', nodes: [{ name: 'cp-1' }, { name: 'worker-1', systemdCgroup: false }] });
    lab = new Lab(rack);
    await lab.open();
    spec = lab.spec(['cp-1'], ['worker-1']);
  }, 120_000);

  afterAll(async () => {
    await lab?.close();
    await rack?.stop();
  }, 60_000);

  it('builds the cluster from scratch: every phase done, init once, the worker joined, the CNI applied', async () => {
    expect(rack.node('worker-1').exec('grep -E "SystemdCgroup *= *false" /etc/containerd/config.toml').code).toBe(0);
    const rendered = renderCluster(spec, lab.members(spec));
    const run = await lab.bootstrap(spec, rendered);
    const result = expectSucceeded(run);

    expect(result.phases.map((p) => p.name)).toEqual(BOOTSTRAP_PHASES);
    for (const name of BOOTSTRAP_PHASES.filter((n) => n !== 'Join control planes')) expect(run.phases[name], name).toBe('done');
    expect(run.phases['Join control planes']).toBe('skipped');
    expect(result.endpoint).toBe(`${rack.node('cp-1').address}:6443`);
    expect(result.kubernetesVersion).toBe('v1.34.1');
    expect(result.adminKubeconfig).toContain(`server: https://${rack.node('cp-1').address}:6443`);

    expect(kubeadm(rack, 'init')).toHaveLength(1);
    expect(kubeadm(rack, 'init')[0]?.node).toBe('cp-1');
    expect(kubeadm(rack, 'join').map((c) => [c.node, c.exitCode])).toEqual([['worker-1', 0]]);
    expect(rack.calls({ tool: 'kubectl', node: 'cp-1' }).some((c) => c.args.includes('apply') && c.exitCode === 0)).toBe(true);
    expect(rack.calls({ tool: 'kubeadm', node: 'cp-1' }).some((c) => c.args.join(' ') === 'token create --ttl 30m')).toBe(true);

    for (const node of rack.nodes) {
      // The containerd config is the rendered one everywhere (worker-1's SystemdCgroup = false is gone).
      expect(node.exec('cat /etc/containerd/config.toml').stdout).toBe(rendered.nodes.find((n) => n.nodeName === node.name)?.containerdConfig);
      const marker = JSON.parse(node.exec('cat /etc/kubernetes/rackpilot-cluster.json').stdout) as Record<string, string>;
      expect(marker).toMatchObject({ cluster: 'lab', role: node.name === 'cp-1' ? 'control-plane' : 'worker', endpoint: result.endpoint, version: 'v1.34.1' });
      expect(node.exec('cat /etc/apt/sources.list.d/kubernetes.sources').stdout).toContain('URIs: https://pkgs.k8s.io/core:/stable:/v1.34/deb/');
      expect(node.exec('apt-mark showhold').stdout.split('\n').filter(Boolean).sort()).toEqual(['kubeadm', 'kubectl', 'kubelet']);
    }
    // The join config held a live token: it is gone, and neither it nor a certificate key reached the log.
    expect(rack.node('worker-1').exec('ls /etc/kubernetes/rackpilot/').stdout).not.toContain('kubeadm-join.yaml');
    expectNoSecrets(run.log);
    expect(run.log).toContain('✓ kubeadm init done: admin.conf exists and the API server is ready');
  }, 300_000);

  it('re-running skips every phase and runs no second kubeadm init or join', async () => {
    const before = rack.calls().length;
    const run = await lab.bootstrap(spec);
    const result = expectSucceeded(run);
    expect(result.phases.filter((p) => p.outcome !== 'skipped')).toEqual([]);
    const later = rack.calls().slice(before);
    expect(later.filter((c) => c.tool === 'kubeadm' && ['init', 'join', 'reset'].includes(c.args[0] ?? ''))).toEqual([]);
    expect(later.filter((c) => c.tool === 'apt-get' && c.args.includes('install'))).toEqual([]);
    expect(run.log).toContain('✓ kubeadm init skipped: admin.conf exists and the API server is ready');
  }, 180_000);

  it('a worker whose join token expired is joined again with a fresh token', async () => {
    // The worker loses its membership (reset on the node), and its next join meets an expired token once.
    rack.node('worker-1').exec('kubeadm reset -f >/dev/null 2>&1');
    rack.fault('worker-1', 'join-token-expired');
    const before = rack.calls().length;
    const run = await lab.bootstrap(spec);
    rack.clearFaults('worker-1');
    expectSucceeded(run);
    expect(run.phases['Join workers']).toBe('done');
    expect(run.phases['kubeadm init']).toBe('skipped');
    const later = rack.calls().slice(before);
    const joins = later.filter((c) => c.tool === 'kubeadm' && c.args[0] === 'join');
    expect(joins.map((c) => c.exitCode)).toEqual([1, 0]);
    // One token per attempt: the second join used a freshly issued one.
    expect(later.filter((c) => c.tool === 'kubeadm' && c.node === 'cp-1' && c.args[0] === 'token' && c.args[1] === 'create')).toHaveLength(2);
    expect(run.log).toMatch(/↻ kubeadm join \(worker\) on worker-1 failed \(exit 1\)\. The join token is expired or unknown to the cluster: the next attempt issues fresh credentials\./);
    expectNoSecrets(run.log);
  }, 240_000);

  it('times out waiting for Ready with a pod-CIDR diagnosis when flannel is given another network', async () => {
    // flannel's net-conf says 10.200.0.0/16 while kubeadm gave the nodes slices of the cluster's pod network.
    const wrongSpec = clusterSpecSchema.parse({ ...spec, podCidr: '10.200.0.0/16' });
    const good = renderCluster(spec, lab.members(spec));
    const rendered: RenderedCluster = { ...good, cni: renderCluster(wrongSpec, lab.members(wrongSpec)).cni };
    const run = await lab.bootstrap(wrongSpec, rendered, { ...TIMING, readyTimeoutMs: 8_000 });
    expect(run.job.state).toBe('failed');
    expect(run.job.error?.message).toMatch(/^Cluster lab was not Ready after/);
    expect(diagnosisCodes(run)).toContain('pod-cidr-mismatch');

    // Running it again with the right spec applies the right network again and the cluster comes back.
    const fixed = await lab.bootstrap(spec);
    expectSucceeded(fixed);
    expect(fixed.phases['Pod network']).toBe('done');
    expect(fixed.phases['kubeadm init']).toBe('skipped');
  }, 240_000);
});

describe.skipIf(skip)('bootstrap: failures, cancel and resume (stand-in kubeadm)', () => {
  let rack: StandInRack;
  let lab: Lab;
  let spec: ClusterSpec;

  beforeAll(async () => {
    rack = await startStandInRack({ tag: 'bres', nodes: [{ name: 'cp-a' }, { name: 'wk-a' }] });
    lab = new Lab(rack);
    await lab.open();
    spec = lab.spec(['cp-a'], ['wk-a']);
  }, 120_000);

  afterAll(async () => {
    await lab?.close();
    await rack?.stop();
  }, 60_000);

  it('a containerd config forced to the wrong cgroup driver fails with the cgroup-driver diagnosis', async () => {
    const good = renderCluster(spec, lab.members(spec));
    const wrong = good.nodes[0]!.containerdConfig.replace('SystemdCgroup = true', 'SystemdCgroup = false');
    expect(wrong).not.toBe(good.nodes[0]!.containerdConfig);
    const rendered: RenderedCluster = { ...good, nodes: good.nodes.map((n, i) => (i === 0 ? { ...n, containerdConfig: wrong } : n)) };
    const run = await lab.bootstrap(spec, rendered);
    expect(run.job.state).toBe('failed');
    expect(diagnosisCodes(run)).toContain('cgroup-driver-mismatch');
    expect(run.job.error?.message).toMatch(/^kubeadm init failed on cp-a \(exit 1\): kubelet and the container runtime use different cgroup drivers\./);
    // Not retried (it would fail the same way), and the kubelet journal was read for the diagnosis.
    expect(kubeadm(rack, 'init', 'cp-a')).toHaveLength(1);
    expect(rack.calls({ tool: 'journalctl', node: 'cp-a' }).length).toBeGreaterThan(0);
    expect(run.phases).toEqual({});
    expect(rack.node('cp-a').exec('cat /etc/containerd/config.toml').stdout).toContain('SystemdCgroup = false');
  }, 240_000);

  it('cancelled during kubeadm init, a re-run resets the half-done init and finishes with at most one more init', async () => {
    rack.fault('cp-a', 'slow-init');
    const initsBefore = kubeadm(rack, 'init').length;
    const { job, done } = lab.start(spec, renderCluster(spec, lab.members(spec)));
    // Cancel once the stand-in's init is running (it sleeps before finishing).
    const deadline = Date.now() + 120_000;
    while (!initRunning(rack.node('cp-a'))) {
      if (Date.now() > deadline) throw new Error(`kubeadm init never started:\n${lab.t.app.services.jobs.logs(job.id, 0, 5000).map((l) => l.line).join('\n').slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    lab.t.app.services.jobs.cancel(job.id);
    const cancelled = await done;
    expect(cancelled.job.state).toBe('cancelled');
    expect(initRunning(rack.node('cp-a'))).toBe(false);
    rack.clearFaults('cp-a');

    const run = await lab.bootstrap(spec);
    expectSucceeded(run);
    // Everything before init was finished by the cancelled run; its containerd config (wrong in
    // the previous test) was put right then, so the resume skips those phases.
    for (const name of ['Prerequisites', 'Kubernetes repository', 'Packages', 'containerd', 'Validate config']) expect(run.phases[name], name).toBe('skipped');
    expect(run.phases['kubeadm init']).toBe('done');
    expect(kubeadm(rack, 'init').length - initsBefore).toBeLessThanOrEqual(2);
    expect(rack.node('cp-a').exec('cat /etc/containerd/config.toml').stdout).toContain('SystemdCgroup = true');
    const again = await lab.bootstrap(spec);
    expect(expectSucceeded(again).phases.every((p) => p.outcome === 'skipped')).toBe(true);
  }, 300_000);
});

describe.skipIf(skip)('bootstrap: a second control plane joins with a certificate key (stand-in kubeadm)', () => {
  let rack: StandInRack;
  let lab: Lab;

  beforeAll(async () => {
    rack = await startStandInRack({ tag: 'bha', nodes: [{ name: 'cp-x' }, { name: 'cp-y' }, { name: 'wk-x' }] });
    lab = new Lab(rack);
    await lab.open();
  }, 120_000);

  afterAll(async () => {
    await lab?.close();
    await rack?.stop();
  }, 60_000);

  it('retries an init killed midway after kubeadm reset, then joins the control plane before the worker', async () => {
    // The first init dies (SIGKILL) right after uploading the certificates, like an OOM-killed process.
    rack.fault('cp-x', 'init-exit-after-upload-certs');
    const spec = lab.spec(['cp-x', 'cp-y'], ['wk-x'], { controlPlaneEndpoint: `${rack.node('cp-x').address}:6443` });
    const run = await lab.bootstrap(spec);
    expectSucceeded(run);
    const onInit = rack.calls({ tool: 'kubeadm', node: 'cp-x' }).filter((c) => ['init', 'reset'].includes(c.args[0] ?? '') && !c.args.includes('phase'));
    expect(onInit.map((c) => `${c.args[0]} ${c.exitCode}`)).toEqual(['init 137', 'reset 0', 'init 0']);
    expect(run.log).toContain('↻ kubeadm init on cp-x failed (exit 137). Retrying: kubeadm init was killed by signal 9 before it finished. Attempt 2 of 3.');

    expect(run.phases['Join control planes']).toBe('done');
    expect(run.phases['Join workers']).toBe('done');
    const calls = rack.calls({ tool: 'kubeadm' });
    const uploads = calls.filter((c) => c.node === 'cp-x' && c.args.join(' ') === 'init phase upload-certs --upload-certs');
    expect(uploads).toHaveLength(1);
    const cpJoin = calls.findIndex((c) => c.node === 'cp-y' && c.args[0] === 'join' && c.exitCode === 0);
    const wkJoin = calls.findIndex((c) => c.node === 'wk-x' && c.args[0] === 'join');
    expect(cpJoin).toBeGreaterThan(-1);
    expect(wkJoin).toBeGreaterThan(cpJoin);
    expect(JSON.parse(rack.node('cp-y').exec('cat /etc/kubernetes/rackpilot-cluster.json').stdout)).toMatchObject({ role: 'control-plane' });
    expectNoSecrets(run.log);
  }, 300_000);
});
