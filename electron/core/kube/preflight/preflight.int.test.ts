/**
 * runPreflight against real OpenSSH sshd on loopback (this machine is the "node"): SSH failures,
 * passwordless sudo and its absence, the facts of a real Linux system, the same machine added
 * twice (not unique), real test listeners and probes, and cancel leaving no listener behind.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreflightReport } from '../../../../shared/domain/cluster-record';
import { clusterSpecSchema } from '../../../../shared/domain/cluster';
import { nodeInputSchema } from '../../../../shared/domain/node-schema';
import { targetFromNode } from '../../ssh/target';
import { createTestUser, freePort, sshdAvailable, startSshd, type TestSshd, type TestUser } from '../../testing/sshd';
import { createTempApp, type TempApp } from '../../testing/temp-app';
import { sshRemote, type KubeNode, type Remote } from '../remote';
import { runPreflight } from './index';
import { LISTENER_SECONDS } from './probe-scripts';

const runnable = sshdAvailable() && process.getuid?.() === 0;
if (!runnable && process.env.CI) throw new Error('preflight integration tests need root and /usr/sbin/sshd under CI');

let t: TempApp;
let sshd: TestSshd;
let nopw: TestUser;
let pw: TestUser;
let macSeq = 0;

function kubeNode(name: string, user: string, role: KubeNode['role'], opts: { port?: number; pin?: boolean } = {}): KubeNode {
  const created = t.app.services.nodes.create(
    nodeInputSchema.parse({ name, mac: `52:54:00:4f:00:${(++macSeq).toString(16).padStart(2, '0')}`, address: '127.0.0.1', sshPort: opts.port ?? sshd.port, sshUser: user }),
  );
  const node = opts.pin === false ? created : t.app.services.nodes.pinHostKey(created.id, sshd.hostKey);
  return { id: node.id, name: node.name, address: node.address, role, init: role === 'control-plane', target: targetFromNode(node) };
}

function spec(nodes: KubeNode[]) {
  return clusterSpecSchema.parse({
    name: 'pf',
    controlPlane: nodes.filter((n) => n.role === 'control-plane').map((n) => n.id),
    workers: nodes.filter((n) => n.role === 'worker').map((n) => n.id),
  });
}

function preflight(nodes: KubeNode[], remote: Remote = sshRemote(t.app.services.ssh), signal = new AbortController().signal): Promise<PreflightReport> {
  return runPreflight(remote, { clusterName: 'pf', spec: spec(nodes), nodes, signal });
}

const find = (r: PreflightReport, id: string, nodeId?: string) => r.checks.find((c) => c.id === id && (nodeId === undefined || c.nodeId === nodeId));

/** Our test listeners are perl programs with this in their command line. */
const listeners = () => spawnSync('pgrep', ['-af', `alarm ${LISTENER_SECONDS}`]).stdout.toString().split('\n').filter((l) => l.includes('perl'));

beforeAll(async () => {
  if (!runnable) return;
  t = createTempApp();
  nopw = createTestUser('nopasswd');
  pw = createTestUser('password');
  const line = t.app.services.ssh.publicKey!.authorizedKey;
  sshd = await startSshd({ authorizedKeys: { [nopw.name]: [line], [pw.name]: [line] } });
});

afterAll(async () => {
  await t?.close();
  await sshd?.stop();
  nopw?.remove();
  pw?.remove();
});

describe.skipIf(!runnable)('runPreflight (real OpenSSH sshd on this machine)', () => {
  it('checks a real Linux system through passwordless sudo', async () => {
    const node = kubeNode('preflight-a', nopw.name, 'control-plane');
    const report = await preflight([node]);
    expect(find(report, 'ssh')).toMatchObject({ status: 'pass', message: `Connected as ${nopw.name}@127.0.0.1:${sshd.port}` });
    expect(find(report, 'sudo')).toMatchObject({ status: 'pass' });
    expect(find(report, 'arch')?.status).toBe('pass');
    const os = spawnSync('sh', ['-c', '. /etc/os-release; echo "$PRETTY_NAME"']).stdout.toString().trim();
    expect(find(report, 'os')?.message).toContain(os);
    // This machine's hostname is not "preflight-a": a warning with the rename.
    expect(find(report, 'hostname')).toMatchObject({ status: 'warn', fix: expect.stringContaining('sudo hostnamectl set-hostname preflight-a') });
    expect(find(report, 'hostname')?.message).toContain(hostname());
    // The clock is this computer's own: never skewed; whether a sync service shows depends on the machine.
    expect(find(report, 'time-sync')?.status).not.toBe('fail');
    expect(report.checks.filter((c) => c.id.startsWith('port-free:')).map((c) => c.id)).toHaveLength(6);
    // One control plane: nobody else must reach it, but this computer probes its API port through a real listener.
    expect(report.checks.some((c) => c.id === 'port-reachable:6443')).toBe(false);
    expect(find(report, 'port-reachable:6443:this-computer')).toMatchObject({ status: 'pass', message: 'This computer reaches preflight-a:6443' });
    expect(listeners()).toEqual([]);
  });

  it('fails sudo with the sudoers line when sudo wants a password, and still checks the rest', async () => {
    const node = kubeNode('preflight-pw', pw.name, 'control-plane');
    const report = await preflight([node]);
    const sudo = find(report, 'sudo');
    expect(sudo).toMatchObject({ status: 'fail', message: expect.stringMatching(/sudo asks .* for a password/) });
    expect(sudo?.fix).toContain(`${pw.name} ALL=(ALL:ALL) NOPASSWD: ALL`);
    expect(find(report, 'os')?.status).toBe('pass');
    expect(find(report, 'cpus')?.status).not.toBe('fail');
    expect(find(report, 'product-uuid-unique')).toMatchObject({ status: 'warn', message: expect.stringMatching(/Not checked/) });
    expect(report.ok).toBe(false);
  });

  it('fails SSH with the connection error and what to check', async () => {
    const down = kubeNode('preflight-down', nopw.name, 'control-plane', { port: await freePort() });
    const unpinned = kubeNode('preflight-unpinned', nopw.name, 'worker', { pin: false });
    const report = await preflight([down, unpinned]);
    expect(find(report, 'ssh', down.id)).toMatchObject({ status: 'fail', fix: expect.stringMatching(/sshd|firewall/) });
    expect(find(report, 'ssh', down.id)?.message).toMatch(/refused|127\.0\.0\.1/i);
    expect(find(report, 'ssh', unpinned.id)).toMatchObject({ status: 'fail', message: expect.stringMatching(/no pinned host key/), fix: expect.stringMatching(/accept its host key/) });
    // Nothing else is claimed about nodes that could not be reached.
    expect(report.checks.filter((c) => c.nodeId === down.id).map((c) => c.id)).toEqual(['ssh']);
    expect(report.ok).toBe(false);
  });

  it('fails uniqueness when the same machine is added twice, and probes between them', async () => {
    const cp = kubeNode('twin-cp', nopw.name, 'control-plane');
    const worker = kubeNode('twin-worker', nopw.name, 'worker');
    const report = await preflight([cp, worker]);
    expect(find(report, 'hostname-unique', cp.id)).toMatchObject({ status: 'fail', message: expect.stringContaining('twin-worker has the same hostname') });
    expect(find(report, 'mac-unique', worker.id)?.status).not.toBe('pass');
    // Real listeners on this machine, real connects from the "other node" (this machine again).
    expect(find(report, 'port-reachable:6443', cp.id)).toMatchObject({ status: 'pass', message: 'Reachable from twin-worker' });
    expect(find(report, 'port-reachable:10250', worker.id)).toMatchObject({ status: 'pass', message: 'Reachable from twin-cp' });
    expect(listeners()).toEqual([]);
  });

  it('stops when cancelled while the test listeners run, leaving none behind', async () => {
    const cp = kubeNode('cancel-cp', nopw.name, 'control-plane');
    const worker = kubeNode('cancel-worker', nopw.name, 'worker');
    const real = sshRemote(t.app.services.ssh);
    const abort = new AbortController();
    let sawListener = false;
    // Cancel the moment a listener reports ready: the real remote underneath does everything.
    const remote: Remote = {
      ...real,
      run: (node, script, opts = {}) =>
        real.run(node, script, {
          ...opts,
          onLine: (line, stream) => {
            opts.onLine?.(line, stream);
            if (line === 'ready=1') {
              sawListener = listeners().length > 0;
              abort.abort();
            }
          },
        }),
    };
    await expect(preflight([cp, worker], remote, abort.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(sawListener).toBe(true);
    expect(listeners()).toEqual([]);
  });
});
