/**
 * A fleet of real OpenSSH sshd instances on loopback for the SSH fan-out benchmark: one sshd per
 * "host", each on its own port with its own generated ed25519 host key, all accepting one client
 * key for one throwaway login user. Root only (sshd needs it to log in a user other than itself).
 *
 * The login user has /bin/bash and Debian's stock skeleton dotfiles, like a freshly installed
 * node — not root, whose dotfiles on a developer machine may do slow work on every login (pyenv
 * init costs ~100 ms per command here) and would add the same noise to every peer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message || r.status}`);
  return r.stdout;
}

/** A login user for the hosts; `remove()` deletes it and its home. */
export function createLoginUser() {
  const name = `rpbench${process.pid}`;
  if (spawnSync('id', [name]).status !== 0) run('useradd', ['-m', '-s', '/bin/bash', name]);
  // With UsePAM no, sshd refuses a locked ("!") account even for key logins: give it a password nobody knows.
  run('chpasswd', [], `${name}:${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}\n`);
  return { name, remove: () => spawnSync('userdel', ['-r', '-f', name]) };
}

/** A client key pair (no passphrase), as ssh-keygen writes it: `file` and `file.pub`. */
export function makeKey(file) {
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rackpilot-bench', '-f', file]);
  return { file, publicLine: readFileSync(`${file}.pub`, 'utf8').trim() };
}

/** The OpenSSH fingerprint (SHA256:…) of a public key file. */
function fingerprint(pubFile) {
  return run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile]).split(/\s+/)[1];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts `count` sshds in `dir` (foreground, owned by this process). Each host: { name, port,
 * hostKey: { type, key, fingerprint }, knownHostsLine }. `stop()` ends them all.
 */
export async function startHosts({ count, dir, user, authorizedKey }) {
  if (!existsSync(SSHD)) throw new Error(`OpenSSH server not found at ${SSHD}`);
  // sshd refuses to start without its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  // sshd reads authorized_keys as the logging-in user: it must be able to reach the file.
  chmodSync(dir, 0o755);
  const keysFile = join(dir, 'authorized_keys');
  writeFileSync(keysFile, `${authorizedKey}\n`, { mode: 0o644 });
  const hosts = [];
  const children = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    for (let i = 0; i < count; i++) {
      const name = `fan-${String(i + 1).padStart(3, '0')}`;
      const hostDir = join(dir, name);
      mkdirSync(hostDir);
      const hostKeyFile = join(hostDir, 'ssh_host_ed25519_key');
      run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKeyFile]);
      const port = await freePort();
      const config = join(hostDir, 'sshd_config');
      writeFileSync(
        config,
        [
          `Port ${port}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${hostKeyFile}`,
          `PidFile ${join(hostDir, 'sshd.pid')}`,
          `AuthorizedKeysFile ${keysFile}`,
          // The files live under /tmp, which StrictModes would reject.
          'StrictModes no',
          `AllowUsers ${user}`,
          'PermitRootLogin no',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'LogLevel ERROR',
        ].join('\n') + '\n',
      );
      const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      children.push(child);
      const [type, key] = readFileSync(`${hostKeyFile}.pub`, 'utf8').trim().split(/\s+/);
      hosts.push({ name, port, child, stderr: () => stderr, hostKey: { type, key, fingerprint: fingerprint(`${hostKeyFile}.pub`) }, knownHostsLine: `[127.0.0.1]:${port} ${type} ${key}` });
    }
    for (const h of hosts) {
      const deadline = Date.now() + 10_000;
      while (!(await portOpen(h.port))) {
        if (h.child.exitCode !== null) throw new Error(`sshd for ${h.name} exited with ${h.child.exitCode}: ${h.stderr()}`);
        if (Date.now() > deadline) throw new Error(`sshd for ${h.name} did not listen on ${h.port} within 10 s: ${h.stderr()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { hosts, stop };
}
