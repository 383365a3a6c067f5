import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { createLogger } from '../log';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../testing/sshd';
import { tempDir } from '../testing/temp-app';
import { jobLogSink } from './job-log';
import { createSshService, type SshService } from './ssh-service';
import type { SshTarget } from './target';

const log = createLogger('error');
let sshd: TestSshd;
let ssh: SshService;
let nopw: TestUser;
let withpw: TestUser;

const target = (user = 'root', nodeId = `n-${user}`): SshTarget => ({ nodeId, name: nodeId, address: '127.0.0.1', port: sshd.port, user, hostKeys: [sshd.hostKey] });

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

/** Processes on this host (the "node") whose command line contains the marker. */
function remaining(marker: string): string[] {
  return spawnSync('pgrep', ['-af', marker]).stdout.toString().split('\n').filter((l) => l && !l.includes('pgrep'));
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && !cond(); ) await new Promise((r) => setTimeout(r, 50));
}

beforeAll(async () => {
  ssh = createSshService({ dataDir: tempDir(), log, backoff: { baseMs: 100, maxMs: 1000, maxAttempts: 20 } });
  nopw = createTestUser('nopasswd');
  withpw = createTestUser('password');
  const line = ssh.publicKey!.authorizedKey;
  sshd = await startSshd({ authorizedKeys: { root: [line], [nopw.name]: [line], [withpw.name]: [line] } });
});

afterAll(async () => {
  await ssh?.close();
  await sshd?.stop();
  nopw?.remove();
  withpw?.remove();
});

describe('runner', () => {
  it('returns exit code and both streams, with env, cwd and stdin', async () => {
    const r = await ssh.run(target(), 'pwd; echo "$GREETING"; cat; echo err >&2; exit 3', { env: { GREETING: "it's fine" }, cwd: '/tmp', stdin: 'from stdin\n' });
    expect(r).toMatchObject({ exitCode: 3, stdout: "/tmp\nit's fine\nfrom stdin\n", stderr: 'err\n' });
  });

  it('streams lines into a job log and keeps only the tail of large output', async () => {
    const lines: string[] = [];
    const sink = jobLogSink({ log: (line, stream) => lines.push(`${stream}:${line}`) });
    const r = await ssh.run(target(), 'seq 1 100000; echo done >&2', { keepBytes: 1024, ...sink });
    sink.flush();
    expect(lines).toHaveLength(100_001);
    expect(lines[0]).toBe('stdout:1');
    expect(lines).toContain('stderr:done');
    expect(r.stdout.length).toBeLessThanOrEqual(1024);
    expect(r.stdout.endsWith('99999\n100000\n')).toBe(true);
    expect(r.stdoutDropped).toBeGreaterThan(500_000);
  });

  it('runs a script through runScript with arguments', async () => {
    const r = await ssh.runScript(target(), 'set -e\necho "args: $1 $2"\n', { args: ['a b', 'c'] });
    expect(r.stdout).toBe('args: a b c\n');
  });

  it('runs with passwordless sudo', async () => {
    const r = await ssh.run(target(nopw.name), 'id -u; whoami', { sudo: true });
    expect(r).toMatchObject({ exitCode: 0, stdout: '0\nroot\n' });
    const plain = await ssh.run(target(nopw.name), 'whoami');
    expect(plain.stdout).toBe(`${nopw.name}\n`);
  });

  it('runs sudo with a password fed on stdin, and says when a password is needed or wrong', async () => {
    const r = await ssh.run(target(withpw.name), 'id -u; cat', { sudo: { password: withpw.password }, stdin: 'input after password\n' });
    expect(r).toMatchObject({ exitCode: 0, stdout: '0\ninput after password\n' });
    expect(r.stdout + r.stderr).not.toContain(withpw.password);
    const needs = await caught(ssh.run(target(withpw.name), 'id -u', { sudo: true }));
    expect(needs).toBeInstanceOf(RackpilotError);
    expect((needs as RackpilotError).code).toBe(ErrorCode.SshSudoPassword);
    const wrong = await caught(ssh.run(target(withpw.name), 'id -u', { sudo: { password: 'wrong' } }));
    expect((wrong as RackpilotError).code).toBe(ErrorCode.SshSudoPassword);
    expect(wrong.message).not.toContain('wrong');
  }, 30_000);

  it('cancellation kills the remote process group, including background children', async () => {
    const marker = `rp-cancel-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    let started = false;
    const run = ssh.run(target(), `sh -c 'sleep 300; : ${marker}-child' & sleep 301; : ${marker}`, {
      signal: controller.signal,
      onStdout: () => (started = true),
    });
    const outcome = caught(run); // handled from now on, even if an expectation below fails
    // The background child is the last process to appear; counting processes instead raced a
    // fork or exec in flight, whose command line reads empty for a moment.
    const child = `${marker}-child$`;
    await waitFor(() => remaining(child).length === 1);
    expect(remaining(child)).toHaveLength(1);
    expect(remaining(marker).length).toBeGreaterThanOrEqual(2);
    const t0 = performance.now();
    controller.abort();
    const err = await outcome;
    expect(err.name).toBe('AbortError');
    await waitFor(() => remaining(marker).length === 0, 3000);
    console.log(`cancel → no remote process in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(remaining(marker)).toEqual([]);
    expect(started).toBe(false);
  });

  it('a cancel that lands while the channel is still opening stops the command too', async () => {
    // The bulk cancel raced this: the exec was in flight when Cancel came, the command then
    // started, and an abort listener added after the fact never fired — the job ran on.
    const t = target(nopw.name, 'n-cancel-race');
    await ssh.run(t, 'true'); // connected, so the abort below lands during the channel open
    const marker = `rp-race-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    const run = ssh.run(t, `sleep 305; : ${marker}`, { signal: controller.signal, sudo: true });
    setImmediate(() => controller.abort());
    const t0 = performance.now();
    const err = await caught(run);
    expect(err.name).toBe('AbortError');
    await waitFor(() => remaining(marker).length === 0, 5000);
    expect(remaining(marker)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(15_000);
  }, 30_000);

  it('a timeout kills the remote processes too, also under sudo', async () => {
    const marker = `rp-timeout-${process.pid}-${Date.now()}`;
    const err = await caught(ssh.run(target(nopw.name), `sleep 302; : ${marker}`, { sudo: true, timeoutMs: 800 }));
    expect((err as RackpilotError).code).toBe(ErrorCode.SshTimeout);
    await waitFor(() => remaining(marker).length === 0, 3000);
    expect(remaining(marker)).toEqual([]);
  });

  it('reconnects after the node restarts', async () => {
    const statuses: string[] = [];
    const svc = createSshService({ dataDir: tempDir(), log, backoff: { baseMs: 100, maxMs: 500, maxAttempts: 30 }, onStatus: (s) => statuses.push(s.state) });
    sshd.authorize('root', svc.publicKey!.authorizedKey);
    try {
      const t = target('root', 'n-restart');
      expect((await svc.run(t, 'echo before')).stdout).toBe('before\n');
      await sshd.restart({ downMs: 500 });
      await waitFor(() => statuses.filter((s) => s === 'connected').length >= 2, 10_000);
      expect(statuses.filter((s) => s === 'connected').length).toBe(2);
      expect(statuses).toContain('connecting');
      expect((await svc.run(t, 'echo after')).stdout).toBe('after\n');
    } finally {
      await svc.close();
    }
  });
});

describe('MaxSessions', () => {
  let limited: TestSshd;
  beforeAll(async () => {
    limited = await startSshd({ maxSessions: 2, authorizedKeys: { root: [ssh.publicKey!.authorizedKey] } });
  });
  afterAll(async () => limited?.stop());

  it('queues channel opens instead of failing: 6 parallel commands on MaxSessions 2', async () => {
    const t: SshTarget = { nodeId: 'n-limited', name: 'limited', address: '127.0.0.1', port: limited.port, user: 'root', hostKeys: [limited.hostKey] };
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => ssh.run(t, `sleep 0.3; echo ${i}`)));
    const ms = performance.now() - t0;
    expect(results.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
    // Learned from sshd's refusals (it may settle lower when a refusal races a closing channel).
    expect(ssh.pool.connection(t).sessions.capacity).toBeLessThanOrEqual(2);
    // Three waves of two, not six at once.
    expect(ms).toBeGreaterThan(850);
    console.log(`6 commands on MaxSessions 2: ${ms.toFixed(0)} ms`);
  });

  it('cancels a command even when every session slot is taken', async () => {
    const t: SshTarget = { nodeId: 'n-limited', name: 'limited', address: '127.0.0.1', port: limited.port, user: 'root', hostKeys: [limited.hostKey] };
    const marker = `rp-full-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    const a = ssh.run(t, `sleep 303; : ${marker}-a`, { signal: controller.signal });
    const b = ssh.run(t, `sleep 304; : ${marker}-b`, { signal: controller.signal });
    await waitFor(() => remaining(marker).length >= 2);
    controller.abort();
    const settled = await Promise.allSettled([a, b]);
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as Error).name : 'fulfilled'))).toEqual(['AbortError', 'AbortError']);
    await waitFor(() => remaining(marker).length === 0, 3000);
    expect(remaining(marker)).toEqual([]);
  });
});
