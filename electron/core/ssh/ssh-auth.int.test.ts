import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { createLogger } from '../log';
import { startSshd, type TestSshd } from '../testing/sshd';
import { tempDir } from '../testing/temp-app';
import { KEY_FILE, loadOrCreateKey } from './keys';
import { createSshService, type SshService } from './ssh-service';
import type { SshTarget } from './target';

const logLines: string[] = [];
const log = createLogger('debug', (line) => logLines.push(line));

let sshd: TestSshd;
let dataDir: string;
let ssh: SshService;
const services: SshService[] = [];

function target(over: Partial<SshTarget> = {}): SshTarget {
  return { nodeId: 'n1', name: 'node-1', address: '127.0.0.1', port: sshd.port, user: 'root', hostKeys: [sshd.hostKey], ...over };
}

async function caught(p: Promise<unknown>): Promise<RackpilotError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RackpilotError) return err;
    throw err;
  }
  throw new Error('expected a RackpilotError');
}

beforeAll(async () => {
  dataDir = tempDir();
  ssh = createSshService({ dataDir, log });
  services.push(ssh);
  sshd = await startSshd({ authorizedKeys: { root: [ssh.publicKey!.authorizedKey] } });
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  await sshd?.stop();
});

describe("Rackpilot's key", () => {
  it('is made once, stored 0600, and reused', () => {
    const file = join(dataDir, KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file + '.pub', 'utf8').trim()).toBe(ssh.publicKey!.authorizedKey);
    const again = loadOrCreateKey({ dataDir });
    expect(again.publicKey).toEqual(ssh.publicKey);
    // The fingerprint is OpenSSH's.
    const keygen = spawnSync('ssh-keygen', ['-lf', file + '.pub']).stdout.toString();
    expect(keygen).toContain(ssh.publicKey!.fingerprint);
  });

  it('can be passphrase-protected and sealed by a SecretBox', () => {
    const dir = tempDir();
    const box = { kind: 'xor', encrypt: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)), decrypt: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)) };
    const key = loadOrCreateKey({ dataDir: dir, box, passphrase: 'correct horse' });
    const raw = readFileSync(join(dir, KEY_FILE));
    expect(raw.toString('latin1')).not.toContain('OPENSSH PRIVATE KEY');
    expect(loadOrCreateKey({ dataDir: dir, box, passphrase: 'correct horse' }).publicKey).toEqual(key.publicKey);
    expect(() => loadOrCreateKey({ dataDir: dir, box, passphrase: 'wrong' })).toThrow(/cannot be read/);
  });

  it('authenticates, and the connection is reused', async () => {
    const t0 = performance.now();
    const first = await ssh.run(target(), 'echo hello; id -u');
    const connectMs = performance.now() - t0;
    const t1 = performance.now();
    const second = await ssh.run(target(), 'true');
    const reuseMs = performance.now() - t1;
    console.log(`connect+first command ${connectMs.toFixed(1)} ms, command on pooled connection ${reuseMs.toFixed(1)} ms`);
    expect(first.stdout).toBe('hello\n0\n');
    expect(first.exitCode).toBe(0);
    expect(second.exitCode).toBe(0);
    expect(ssh.status('n1')?.state).toBe('connected');
  });

  it('tells the user which key to install when the node refuses it', async () => {
    const err = await caught(ssh.run(target({ nodeId: 'n-nobody', user: 'nobody' }), 'true'));
    expect(err.code).toBe(ErrorCode.SshAuth);
    expect(err.message).toContain(ssh.publicKey!.authorizedKey);
    expect(err.message).toContain('~nobody/.ssh/authorized_keys');
    expect(ssh.status('n-nobody')).toMatchObject({ state: 'failed', lastError: { code: ErrorCode.SshAuth } });
  });

  it('never shows the private key in logs, errors, JSON or inspect output', async () => {
    const privateKey = readFileSync(join(dataDir, KEY_FILE), 'utf8');
    const body = privateKey.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    const err = await caught(ssh.run(target({ nodeId: 'n-nobody2', user: 'nobody' }), 'true'));
    const key = loadOrCreateKey({ dataDir });
    const outputs = [logLines.join('\n'), err.message, JSON.stringify(err.details ?? null), JSON.stringify(key), inspect(key, { depth: 5 }), String(key), JSON.stringify(ssh.publicKey), inspect(ssh.pool, { depth: 8 })];
    expect(body.length).toBeGreaterThan(100);
    for (const out of outputs) {
      expect(out).not.toContain('PRIVATE KEY');
      // Any 40-character run of the key's base64 would be a leak.
      for (let i = 0; i + 40 <= body.length; i += 40) expect(out).not.toContain(body.slice(i, i + 40));
    }
  });
});

describe('ssh-agent', () => {
  let agent: ChildProcess | null = null;
  afterAll(() => {
    agent?.kill();
  });

  it('authenticates with a key held only by the agent', async () => {
    const dir = tempDir();
    const keyFile = join(dir, 'id_ed25519');
    expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'agent-key', '-f', keyFile]).status).toBe(0);
    sshd.authorize('root', readFileSync(keyFile + '.pub', 'utf8'));
    const sock = join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    expect(spawnSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).status).toBe(0);
    const viaAgent = createSshService({ dataDir: tempDir(), log, agent: sock, useRackpilotKey: false });
    services.push(viaAgent);
    const r = await viaAgent.run(target({ nodeId: 'n-agent' }), 'echo agent-ok');
    expect(r.stdout).toBe('agent-ok\n');
  });
});

describe('host keys', () => {
  it('refuses an unpinned node, carrying the presented key; scanHostKey reads it without logging in', async () => {
    const err = await caught(ssh.run(target({ nodeId: 'n-unknown', hostKeys: [] }), 'true'));
    expect(err.code).toBe(ErrorCode.SshHostKeyUnknown);
    expect(err.details).toEqual({ presented: sshd.hostKey });
    expect(err.message).toContain(sshd.hostKey.fingerprint);
    const scanned = await ssh.scanHostKey('127.0.0.1', sshd.port);
    expect(scanned).toEqual(sshd.hostKey);
    // Accepting = pinning the scanned key; then it connects.
    const r = await ssh.run(target({ nodeId: 'n-unknown', hostKeys: [scanned] }), 'echo pinned');
    expect(r.stdout).toBe('pinned\n');
  });

  it('refuses a changed host key with both fingerprints, and does not retry by itself', async () => {
    const pinned = sshd.hostKey;
    const statuses: string[] = [];
    const svc = createSshService({ dataDir, log, onStatus: (s) => statuses.push(`${s.state}:${s.lastError?.code ?? ''}`) });
    services.push(svc);
    const t = target({ nodeId: 'n-mismatch', hostKeys: [pinned] });
    expect((await svc.run(t, 'true')).exitCode).toBe(0);
    await sshd.restart({ newHostKey: true });
    const err = await caught(
      (async () => {
        // The old connection dropped with the restart; wait until the pool noticed the drop.
        for (let i = 0; i < 100 && svc.status('n-mismatch')?.state === 'connected'; i++) await new Promise((r) => setTimeout(r, 20));
        return svc.run(t, 'true');
      })(),
    );
    expect(err.code).toBe(ErrorCode.SshHostKeyMismatch);
    expect(err.message).toContain(pinned.fingerprint);
    expect(err.message).toContain(sshd.hostKey.fingerprint);
    expect(err.details).toMatchObject({ presented: sshd.hostKey });
    expect(statuses).toContain(`failed:${ErrorCode.SshHostKeyMismatch}`);
    expect(svc.status('n-mismatch')?.state).toBe('failed');
    // Pinning the new key (a rebuild's phone-home) opens a new connection that is accepted.
    expect((await svc.run(target({ nodeId: 'n-mismatch' }), 'echo ok')).stdout).toBe('ok\n');
  });

  it('explains an unreachable node', async () => {
    const err = await caught(ssh.run(target({ nodeId: 'n-off', port: 1 }), 'true'));
    expect(err.code).toBe(ErrorCode.SshUnreachable);
    expect(err.message).toMatch(/refused/);
  });
});
