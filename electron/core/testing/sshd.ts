/**
 * Test helper: a real OpenSSH sshd on a loopback port with its own host key and config, run in
 * the foreground (-D) so the test owns its lifetime. Tests log in with keys written to per-user
 * authorized_keys files in the instance's directory; `createTestUser` adds throwaway users with
 * sudo rules; `restart` brings sshd back on the same port (optionally with a new host key).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { HostKey } from '../../../shared/domain/node';
import { parsePublicKey } from '../nodes/host-keys';
import { tempDir } from './temp-app';

export const SSHD_PATH = '/usr/sbin/sshd';

export interface SshdOptions {
  /** sshd's MaxSessions (channels per connection). OpenSSH's default is 10. */
  maxSessions?: number;
  /** authorized_keys lines per user name, e.g. { root: [publicKeyLine] }. */
  authorizedKeys?: Record<string, string[]>;
  /** Lines appended to sshd_config, e.g. 'AllowStreamLocalForwarding no'. */
  extraConfig?: string[];
}

export interface TestSshd {
  port: number;
  dir: string;
  /** The host key sshd presents now. */
  hostKey: HostKey;
  /** Adds an authorized_keys line for a user (effective for the next login). */
  authorize(user: string, line: string): void;
  /**
   * Like a node reboot: ends every open connection, stops sshd and starts it again on the same
   * port — with a new host key when asked (a "reinstalled" node).
   */
  restart(opts?: { newHostKey?: boolean; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export function sshdAvailable(): boolean {
  return existsSync(SSHD_PATH);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
  if (!sshdAvailable()) throw new Error(`OpenSSH server not found at ${SSHD_PATH}: apt-get install openssh-server (.ci/run does)`);
  const dir = tempDir('rackpilot-sshd-');
  // sshd reads authorized_keys as the logging-in user: the files must be readable by test users.
  chmodSync(dir, 0o755);
  const keysDir = join(dir, 'authorized_keys');
  mkdirSync(keysDir, { mode: 0o755 });
  const hostKeyFile = join(dir, 'ssh_host_ed25519_key');
  makeHostKey(hostKeyFile);
  // sshd refuses to start without its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyFile}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${keysDir}/%u`,
      // The key files live under /tmp (world-writable), which StrictModes would reject.
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      `MaxSessions ${opts.maxSessions ?? 10}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      ...(opts.extraConfig ?? []),
    ].join('\n') + '\n',
  );
  const authorize = (user: string, line: string) => {
    const file = join(keysDir, user);
    appendFileSync(file, line.trim() + '\n', { mode: 0o644 });
    chmodSync(file, 0o644);
  };
  for (const [user, lines] of Object.entries(opts.authorizedKeys ?? {})) lines.forEach((l) => authorize(user, l));

  let child = await launch(config, port);
  const stop = () => stopChild(child);
  const handle: TestSshd = {
    port,
    dir,
    hostKey: readHostKey(hostKeyFile),
    authorize,
    stop,
    restart: async (r = {}) => {
      // Stopping the listener alone leaves its per-connection children (and their sessions) up.
      const children = spawnSync('pgrep', ['-P', String(child.pid)]).stdout.toString().split(/\s+/).filter(Boolean);
      await stop();
      for (const pid of children) {
        try {
          process.kill(Number(pid), 'SIGTERM');
        } catch {
          // already gone
        }
      }
      if (r.newHostKey) {
        rmSync(hostKeyFile, { force: true });
        rmSync(hostKeyFile + '.pub', { force: true });
        makeHostKey(hostKeyFile);
        handle.hostKey = readHostKey(hostKeyFile);
      }
      if (r.downMs) await new Promise((res) => setTimeout(res, r.downMs));
      child = await launch(config, port);
    },
  };
  return handle;
}

function makeHostKey(file: string): void {
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  if (keygen.status !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr.toString()}`);
}

function readHostKey(file: string): HostKey {
  const key = parsePublicKey(readFileSync(file + '.pub', 'utf8'));
  if (!key) throw new Error(`cannot parse ${file}.pub`);
  return key;
}

async function launch(config: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn(SSHD_PATH, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(port, child, () => stderr);
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port} within 10 s: ${stderr()}`);
}

export interface TestUser {
  name: string;
  /** The user's password (sudo asks for it in 'password' mode). */
  password: string;
  remove(): void;
}

let userSeq = 0;

/**
 * A throwaway local user (root only) for SSH logins, with a sudoers rule: 'nopasswd', 'password'
 * (sudo asks for `password`) or 'none'. Names are unique per process so test files can run in
 * parallel; `remove` deletes the user, its home and its sudoers file.
 */
export function createTestUser(sudo: 'nopasswd' | 'password' | 'none'): TestUser {
  const name = `rpt${process.pid}x${++userSeq}`;
  const password = `pw-${Math.random().toString(36).slice(2, 12)}`;
  if (spawnSync('id', [name]).status !== 0) run('useradd', ['-m', '-s', '/bin/sh', name]);
  // With UsePAM no, sshd treats a "!" (locked) password as a locked account and refuses even keys.
  run('chpasswd', [], `${name}:${password}\n`);
  const sudoers = `/etc/sudoers.d/${name}`;
  if (sudo !== 'none') {
    writeFileSync(sudoers, `${name} ALL=(ALL:ALL) ${sudo === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL\n`, { mode: 0o440 });
    run('visudo', ['-cf', sudoers]);
  }
  return {
    name,
    password,
    remove: () => {
      rmSync(sudoers, { force: true });
      spawnSync('pkill', ['-KILL', '-u', name]);
      spawnSync('userdel', ['-r', '-f', name]);
    },
  };
}

function run(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { input });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString() ?? ''}`);
}
