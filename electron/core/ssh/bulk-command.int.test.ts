/**
 * `nodes.runCommand` through the real API against real OpenSSH sshd instances on loopback:
 * per-node states (ok, non-zero exit, closed port, unpinned host key, no address), sudo, timeout,
 * cancel (no remote process left behind) and the prefixed job log.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkCommandResult, NodeCommandResult } from '../../../shared/domain/command';
import type { Job, JobLogLine } from '../../../shared/domain/job';
import type { Node } from '../../../shared/domain/node';
import { createTestUser, freePort, startSshd, type TestSshd, type TestUser } from '../testing/sshd';
import { createTempApp, type TempApp } from '../testing/temp-app';
import { rejection } from '../testing/rejection';

let t: TempApp;
let a: TestSshd;
let b: TestSshd;
let nopw: TestUser;
let nosudo: TestUser;
let pwsudo: TestUser;
let mac = 0;

async function addNode(name: string, fields: { address?: string; port?: number; user?: string; pin?: TestSshd | null } = {}): Promise<Node> {
  const hex = (++mac).toString(16).padStart(2, '0');
  const node = await t.client.call('nodes.create', {
    name,
    mac: `52:54:00:bc:00:${hex}`,
    address: fields.address ?? '127.0.0.1',
    sshPort: fields.port ?? a.port,
    sshUser: fields.user ?? 'root',
  });
  const pin = fields.pin === undefined ? a : fields.pin;
  return pin ? t.client.call('nodes.acceptHostKey', { id: node.id, fingerprint: pin.hostKey.fingerprint }) : node;
}

async function settled(job: Job): Promise<Job> {
  return t.app.services.jobs.settled(job.id);
}

function byName(job: Job): Record<string, NodeCommandResult> {
  return Object.fromEntries((job.result as BulkCommandResult).results.map((r) => [r.name, r]));
}

async function logs(job: Job): Promise<JobLogLine[]> {
  return t.client.call('jobs.logs', { id: job.id, limit: 5000 });
}

/** Processes on this host (the "node") whose command line contains the marker. */
function remaining(marker: string): string[] {
  return spawnSync('pgrep', ['-af', marker]).stdout.toString().split('\n').filter((l) => l && !l.includes('pgrep'));
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && !cond(); ) await new Promise((r) => setTimeout(r, 50));
}

beforeAll(async () => {
  t = createTempApp();
  nopw = createTestUser('nopasswd');
  nosudo = createTestUser('none');
  pwsudo = createTestUser('password');
  const line = t.app.services.ssh.publicKey!.authorizedKey;
  const keys = { root: [line], [nopw.name]: [line], [nosudo.name]: [line], [pwsudo.name]: [line] };
  [a, b] = await Promise.all([startSshd({ authorizedKeys: keys }), startSshd({ authorizedKeys: keys })]);
});

afterAll(async () => {
  await t?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  nopw?.remove();
  nosudo?.remove();
  pwsudo?.remove();
});

describe('nodes.runCommand (real OpenSSH sshd)', () => {
  it('gives one result per node: ok, non-zero exit, unreachable — and the job still succeeds', async () => {
    const ok = await addNode('ok-1');
    const failing = await addNode('fail-1', { port: b.port, pin: b });
    const down = await addNode('down-1', { port: await freePort(), pin: null });
    const unpinned = await addNode('unpinned-1', { pin: null });
    const noAddress = await addNode('noaddr-1', { address: '', pin: null });
    // Same command everywhere; it fails on the node behind sshd B (its port is in SSH_CONNECTION).
    const command = `set -- $SSH_CONNECTION; echo "hello from $4"; if [ "$4" = "${b.port}" ]; then echo "no luck" >&2; exit 3; fi`;
    const ids = [ok.id, failing.id, down.id, unpinned.id, noAddress.id, ok.id];
    const started = await t.client.call('nodes.runCommand', { ids, command });
    expect(started).toMatchObject({ kind: 'nodes.command', state: 'running', title: `Run "${command.slice(0, 59)}…" on 5 nodes`, phases: ['connect and run', 'collect'] });

    const job = await settled(started);
    expect(job).toMatchObject({ state: 'succeeded', progress: 1, error: null });
    const result = job.result as BulkCommandResult;
    expect(result.command).toBe(command);
    expect(result.results.map((r) => r.name)).toEqual(['ok-1', 'fail-1', 'down-1', 'unpinned-1', 'noaddr-1']);
    expect(result.summary).toEqual({ ok: 1, failed: 1, unreachable: 3, cancelled: 0 });

    const r = byName(job);
    expect(r['ok-1']).toMatchObject({ nodeId: ok.id, state: 'ok', exitCode: 0, stdout: `hello from ${a.port}\n`, stderr: '', error: null });
    expect(r['fail-1']).toMatchObject({ state: 'failed', exitCode: 3, stdout: `hello from ${b.port}\n`, stderr: 'no luck\n', error: null });
    expect(r['down-1']).toMatchObject({ state: 'unreachable', exitCode: null, error: { code: 'E_SSH_UNREACHABLE' } });
    expect(r['down-1']!.error!.message).toMatch(/refused/i);
    expect(r['unpinned-1']).toMatchObject({ state: 'unreachable', error: { code: 'E_SSH_HOSTKEY_UNKNOWN' } });
    expect(r['noaddr-1']).toMatchObject({ state: 'unreachable', error: { code: 'E_VALIDATION' } });
    expect(r['noaddr-1']!.error!.message).toContain('enter its IP address');
    for (const n of result.results) expect(n.durationMs).toBeGreaterThanOrEqual(0);

    const lines = await logs(job);
    const text = lines.map((l) => `${l.stream}:${l.line}`);
    // Output prefixed with the node name, on the stream it came from; the duplicate id ran once.
    expect(text.filter((l) => l === `stdout:ok-1 | hello from ${a.port}`)).toHaveLength(1);
    expect(text).toContain(`stdout:fail-1 | hello from ${b.port}`);
    expect(text).toContain('stderr:fail-1 | no luck');
    expect(text).toContain('error:fail-1 | failed: exit 3 (' + (r['fail-1']!.durationMs / 1000).toFixed(2) + ' s)');
    expect(text.some((l) => l.startsWith('error:down-1 | unreachable: ') && /refused/i.test(l))).toBe(true);
    expect(lines.at(-1)).toMatchObject({ stream: 'info', line: expect.stringMatching(/^5 nodes: 1 ok, 1 failed, 3 unreachable, 0 cancelled \(\d+\.\d s\)$/) });
  });

  it('refuses unknown node ids before starting anything', async () => {
    const before = (await t.client.call('jobs.list', {})).length;
    const err = await rejection(t.client.call('nodes.runCommand', { ids: ['no-such-node'], command: 'true' }));
    expect(err.code).toBe('E_NOT_FOUND');
    expect((await t.client.call('jobs.list', {})).length).toBe(before);
  });

  it('runs with sudo, and says so when sudo is not allowed', async () => {
    const admin = await addNode('sudo-ok', { user: nopw.name });
    const plain = await addNode('sudo-none', { user: nosudo.name });
    const job = await settled(await t.client.call('nodes.runCommand', { ids: [admin.id, plain.id], command: 'id -u; whoami', sudo: true }));
    expect(job.state).toBe('succeeded');
    const r = byName(job);
    expect(r['sudo-ok']).toMatchObject({ state: 'ok', exitCode: 0, stdout: '0\nroot\n' });
    expect(r['sudo-none']).toMatchObject({ state: 'failed', error: { code: 'E_SSH_SUDO_PASSWORD' } });
    // Without sudo, the same node runs as its user.
    const again = await settled(await t.client.call('nodes.runCommand', { ids: [admin.id], command: 'whoami' }));
    expect(again.title).toBe('Run "whoami" on sudo-ok');
    expect(again.nodeId).toBe(admin.id);
    expect(byName(again)['sudo-ok']).toMatchObject({ state: 'ok', stdout: `${nopw.name}\n` });
  });

  it('runs with a sudo password the user typed, which never reaches the log, the result or events', async () => {
    const node = await addNode('sudo-pw', { user: pwsudo.name });
    const without = await settled(await t.client.call('nodes.runCommand', { ids: [node.id], command: 'id -u', sudo: true }));
    expect(byName(without)['sudo-pw']).toMatchObject({ state: 'failed', error: { code: 'E_SSH_SUDO_PASSWORD' } });
    const job = await settled(await t.client.call('nodes.runCommand', { ids: [node.id], command: 'id -u', sudo: true, sudoPassword: pwsudo.password }));
    expect(byName(job)['sudo-pw']).toMatchObject({ state: 'ok', stdout: '0\n' });
    const logs = await t.client.call('jobs.logs', { id: job.id });
    const events = await t.client.call('events.list', {});
    const everything = JSON.stringify([job, logs, events]);
    expect(everything).not.toContain(pwsudo.password);
  });

  it('stops a node at its timeout (killing its processes) while the others finish', async () => {
    const marker = `rp-bulk-timeout-${process.pid}-${Date.now()}`;
    const slow = await addNode('slow-1');
    const quick = await addNode('quick-1', { port: b.port, pin: b });
    const command = `echo started; set -- $SSH_CONNECTION; [ "$4" = "${b.port}" ] && exit 0; sleep 305; : ${marker}`;
    const job = await settled(await t.client.call('nodes.runCommand', { ids: [slow.id, quick.id], command, timeoutMs: 1000 }));
    expect(job.state).toBe('succeeded');
    const r = byName(job);
    expect(r['quick-1']).toMatchObject({ state: 'ok', exitCode: 0 });
    expect(r['slow-1']).toMatchObject({ state: 'failed', exitCode: null, stdout: 'started\n', error: { code: 'E_SSH_TIMEOUT' } });
    expect(r['slow-1']!.error!.message).toContain('longer than 1 s');
    expect(r['slow-1']!.durationMs).toBeGreaterThanOrEqual(1000);
    await waitFor(() => remaining(marker).length === 0, 3000);
    expect(remaining(marker)).toEqual([]);
  });

  it('cancel kills the remote processes on every node and keeps the per-node results', async () => {
    const marker = `rp-bulk-cancel-${process.pid}-${Date.now()}`;
    // Not root: root's ~/.bashrc on these machines runs `pyenv init`, whose rehash takes one global
    // lock per login; the kill's extra logins then queue behind it on a loaded CI machine.
    const nodes = [await addNode('cancel-1', { user: nopw.name }), await addNode('cancel-2', { port: b.port, pin: b, user: nopw.name }), await addNode('cancel-3', { user: nopw.name })];
    const started = await t.client.call('nodes.runCommand', { ids: nodes.map((n) => n.id), command: `sh -c 'sleep 306; : ${marker}-child' & sleep 307; : ${marker}`, sudo: true });
    // Each node's background child is one `sh -c sleep 306; : <marker>-child`: three means every node runs it.
    const children = () => remaining(marker).filter((l) => / sh -c sleep 306; : \S+-child$/.test(l)).length;
    await waitFor(() => children() === 3, 15_000);
    expect(children()).toBe(3);
    const t0 = performance.now();
    await t.client.call('jobs.cancel', { id: started.id });
    const job = await settled(started);
    expect(job).toMatchObject({ state: 'cancelled', error: { code: 'E_CANCELLED' } });
    const result = job.result as BulkCommandResult;
    expect(result.summary).toEqual({ ok: 0, failed: 0, unreachable: 0, cancelled: 3 });
    for (const n of result.results) expect(n).toMatchObject({ state: 'cancelled', error: { code: 'E_CANCELLED' } });
    await waitFor(() => remaining(marker).length === 0, 5000);
    expect(remaining(marker)).toEqual([]);
    console.log(`bulk cancel → no remote process on 3 nodes in ${(performance.now() - t0).toFixed(0)} ms`);
    expect((await logs(job)).map((l) => l.line)).toContainEqual(expect.stringMatching(/^cancelled — 3 nodes: 0 ok, 0 failed, 0 unreachable, 3 cancelled/));
  });

  it('bounds the fan-out: 12 nodes over 4 workers still give 12 results in order', async () => {
    // Through the service with a small bound, to see the bound hold without 32+ sshds.
    const { runBulkCommand } = await import('./bulk-command');
    const nodes = await Promise.all(Array.from({ length: 12 }, (_, i) => addNode(`fan-${i}`, i % 2 ? { port: b.port, pin: b } : {})));
    let running = 0;
    let peak = 0;
    const marks: string[] = [];
    const ctx = {
      jobId: 'fan-out-test',
      signal: new AbortController().signal,
      log: (line: string) => {
        if (/ \| start$/.test(line)) peak = Math.max(peak, ++running);
        if (/ \| ok \(/.test(line)) running--;
        marks.push(line);
      },
      phase: () => {},
      progress: () => {},
    };
    const t0 = performance.now();
    const result = await runBulkCommand(t.app.services.ssh, nodes, { command: 'echo start; sleep 0.3', sudo: false, timeoutMs: 10_000, concurrency: 4 }, ctx);
    console.log(`12 nodes, 4 at a time, sleep 0.3: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(result.results.map((r) => r.name)).toEqual(nodes.map((n) => n.name));
    expect(result.summary.ok).toBe(12);
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
  });
});
