/**
 * Test helper: one live lab node — the image scripts/build-lab-image.sh builds — booted under
 * QEMU TCG in rootless mode. QEMU's user-mode network gives the node 10.0.2.15 behind a NAT, its
 * sshd is forwarded to a free port on 127.0.0.1, and 10.0.2.2 is the host's loopback, where a
 * small HTTP server streams the squashfs and serves the node's NoCloud seed. No root, no
 * namespaces, nothing bound beyond 127.0.0.1.
 *
 * The host keys are taken from the serial console, where cloud-init prints them (keys-to-console)
 * — a channel the node's SSH server has no say in — so a test can pin them before it connects.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, createReadStream, existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_SSH_USER, type HostKey } from '../../../shared/domain/node';
import { parsePublicKey } from '../nodes/host-keys';
import { QEMU } from './qemu-node';
import { freePort } from './sshd';

/** Where build-lab-image.sh caches its output; `current` points at the newest complete build. */
export const LAB_IMAGE_ROOT = join(process.env.RACKPILOT_CACHE_DIR ?? '/var/cache/rackpilot', 'lab-image');

export interface LabImage {
  dir: string;
  kernel: string;
  initrd: string;
  squashfs: string;
}

export interface LabVmOptions {
  /** A directory for the serial log and the HTTP request log (the caller removes it). */
  dir: string;
  /** OpenSSH public key lines for the admin user. */
  authorizedKeys: string[];
  /** The admin user cloud-init creates (passwordless sudo). Default `rackpilot`. */
  user?: string;
  hostname?: string;
  memoryMb?: number;
  cpus?: number;
  /**
   * More cloud-config, merged over the helper's own keys (a caller's key wins; its `users` are
   * added after the admin user).
   */
  extraCloudConfig?: Record<string, unknown>;
}

export interface HttpRequestRecord {
  /** Milliseconds since QEMU was started. */
  ms: number;
  method: string;
  path: string;
  status: number;
}

export interface LabVm {
  /** Port on 127.0.0.1 forwarded to the node's sshd. */
  sshPort: number;
  user: string;
  hostname: string;
  /**
   * Host keys cloud-init printed on the serial console: empty until waitForSsh resolves. A reboot
   * boots the live image afresh, as on a real live node: new host keys, new state.
   */
  hostKeys: HostKey[];
  serialPath: string;
  serial(): string;
  /** What the node fetched from the helper's HTTP server, in order. */
  requests: HttpRequestRecord[];
  waitForSerial(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Resolves with the pinned host keys once cloud-init is done and sshd answers. */
  waitForSsh(timeoutMs: number): Promise<HostKey[]>;
  /** `known_hosts` lines for the forwarded port, from the pinned host keys. */
  knownHosts(): string;
  stop(): Promise<void>;
}

export function labImage(): LabImage | null {
  let dir: string;
  try {
    dir = realpathSync(join(LAB_IMAGE_ROOT, 'current'));
  } catch {
    return null;
  }
  const image = { dir, kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'), squashfs: join(dir, 'filesystem.squashfs') };
  return [image.kernel, image.initrd, image.squashfs].every((f) => existsSync(f)) ? image : null;
}

/** Why a lab VM cannot boot here, or null when it can. Needs no root. */
export function labVmUnavailable(): string | null {
  if (!existsSync(QEMU)) return `${QEMU} is missing: run scripts/setup-system.sh`;
  if (!labImage()) return `the lab OS image is not built (no ${LAB_IMAGE_ROOT}/current): run sudo scripts/build-lab-image.sh`;
  return null;
}

/** True when lab-VM tests should be skipped (and says why); under CI that is an error instead. */
export function skipLabVm(): boolean {
  const reason = labVmUnavailable();
  if (!reason) return false;
  if (process.env.CI) throw new Error(`lab VM tests cannot run under CI: ${reason}`);
  console.warn(`lab VM tests skipped: ${reason}`);
  return true;
}

/** NoCloud user-data: the admin user with the caller's keys and passwordless sudo. */
export function renderLabUserData(o: Pick<LabVmOptions, 'authorizedKeys' | 'extraCloudConfig'> & { user: string }): string {
  const admin = { name: o.user, shell: '/bin/bash', lock_passwd: true, sudo: 'ALL=(ALL) NOPASSWD:ALL', ssh_authorized_keys: o.authorizedKeys };
  const extra = o.extraCloudConfig ?? {};
  const extraUsers = Array.isArray(extra.users) ? (extra.users as unknown[]) : [];
  const config = {
    // Else sudo warns on every call that it cannot resolve the node's own name (DESIGN §8).
    manage_etc_hosts: true,
    ssh_pwauth: false,
    disable_root: true,
    ...extra,
    users: [admin, ...extraUsers],
  };
  return `#cloud-config\n${stringify(config)}`;
}

export async function bootLabVm(o: LabVmOptions): Promise<LabVm> {
  const image = labImage();
  if (!image) throw new Error(labVmUnavailable() ?? 'no lab image');
  const user = o.user ?? DEFAULT_SSH_USER;
  const hostname = o.hostname ?? `lab-${randomBytes(3).toString('hex')}`;
  const seed = new Map<string, string>(Object.entries({
    'meta-data': `instance-id: ${hostname}-${randomBytes(4).toString('hex')}\nlocal-hostname: ${hostname}\n`,
    'user-data': renderLabUserData({ ...o, user }),
    // cloud-init 22.4 retries a missing vendor-data for ~10 s (DESIGN §8): serve an empty one.
    'vendor-data': '#cloud-config\n{}\n',
  }));
  const sshPort = await freePort();
  const serialPath = join(o.dir, 'serial.log');
  const httpLogPath = join(o.dir, 'http.log');
  writeFileSync(serialPath, '');
  const requests: HttpRequestRecord[] = [];
  let startedAt = Date.now();

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const seedFile = path.startsWith('/seed/') ? seed.get(path.slice('/seed/'.length)) : undefined;
    if (path === '/filesystem.squashfs') {
      // Streamed: the image is hundreds of MB and the node reads it once.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(image.squashfs).size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(image.squashfs).on('error', () => res.destroy()).pipe(res);
    } else if (seedFile !== undefined) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(seedFile);
    } else {
      res.writeHead(404).end();
    }
    const record = { ms: Date.now() - startedAt, method: req.method ?? '?', path, status: res.statusCode };
    requests.push(record);
    appendFileSync(httpLogPath, `${(record.ms / 1000).toFixed(1)}s ${record.method} ${path} ${record.status}\n`);
  });
  const httpPort = await listen(server);
  const base = `http://10.0.2.2:${httpPort}`;
  const cmdline = [
    'boot=live',
    `fetch=${base}/filesystem.squashfs`,
    'ip=dhcp',
    // nocloud-net (not nocloud) and the trailing slash: what cloud-init 22.4 needs (DESIGN §8).
    `ds=nocloud-net;s=${base}/seed/`,
    'console=ttyS0,115200n8',
  ].join(' ');
  const args = [
    '-accel', 'tcg',
    '-nodefaults',
    '-display', 'none',
    '-monitor', 'none',
    '-m', String(o.memoryMb ?? 2048),
    '-smp', String(o.cpus ?? 2),
    '-serial', `file:${serialPath}`,
    // Only the loopback side is ever bound; IPv6 off so apt does not first try a v6 route.
    '-netdev', `user,id=n0,ipv6=off,hostfwd=tcp:127.0.0.1:${sshPort}-:22`,
    '-device', 'virtio-net-pci,netdev=n0',
    // Entropy for sshd and cloud-init's key generation without waiting on the guest's own pool.
    '-device', 'virtio-rng-pci',
    '-kernel', image.kernel,
    '-initrd', image.initrd,
    '-append', cmdline,
  ];
  startedAt = Date.now();
  // Its own process group, so stop() can end QEMU and anything it spawned in one signal.
  const child: ChildProcess = spawn(QEMU, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.once('error', (err) => (stderr += `cannot run ${QEMU}: ${err.message}`));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const serial = () => readFileSync(serialPath, 'latin1');

  const waitForSerial = async (pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = serial();
      const m = pattern.exec(text);
      if (m) return m;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`QEMU exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}\nlast serial output:\n${tail(text)}`);
      }
      if (Date.now() > deadline) throw new Error(`the lab VM's serial console never matched ${pattern} within ${timeoutMs / 1000} s; last output:\n${tail(text)}`);
      await sleep(500);
    }
  };

  const vm: LabVm = {
    sshPort,
    user,
    hostname,
    hostKeys: [],
    serialPath,
    serial,
    requests,
    waitForSerial,
    async waitForSsh(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      await waitForSerial(/-----END SSH HOST KEY KEYS-----/, timeoutMs);
      vm.hostKeys = consoleHostKeys(serial());
      if (vm.hostKeys.length === 0) throw new Error(`cloud-init printed no parsable host keys on the console:\n${tail(serial())}`);
      // QEMU accepts on the forwarded port even before the guest listens: wait for sshd's banner.
      while (!(await sshBanner(sshPort))) {
        if (Date.now() > deadline) throw new Error(`sshd on the lab VM did not answer on 127.0.0.1:${sshPort} within ${timeoutMs / 1000} s`);
        await sleep(1000);
      }
      return vm.hostKeys;
    },
    knownHosts: () => vm.hostKeys.map((k) => `[127.0.0.1]:${sshPort} ${k.type} ${k.key}\n`).join(''),
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        killGroup(child.pid, 'SIGTERM');
        const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
        if (!killed) {
          killGroup(child.pid, 'SIGKILL');
          await exited;
        }
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return vm;
}

/**
 * The public keys between cloud-init's `-----BEGIN/END SSH HOST KEY KEYS-----` markers. Kernel
 * or systemd lines may interleave on a console, so only lines that parse as a key count.
 */
export function consoleHostKeys(serialText: string): HostKey[] {
  const start = serialText.lastIndexOf('-----BEGIN SSH HOST KEY KEYS-----');
  const end = serialText.indexOf('-----END SSH HOST KEY KEYS-----', start);
  if (start < 0 || end < 0) return [];
  const keys: HostKey[] = [];
  for (const line of serialText.slice(start, end).split(/\r?\n/)) {
    const m = /(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/]+={0,2}/.exec(line);
    const key = m ? parsePublicKey(m[0]) : null;
    if (key && !keys.some((k) => k.key === key.key)) keys.push(key);
  }
  return keys;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

/** True when something on the port speaks SSH (sends its `SSH-2.0-` banner). */
function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(5000, () => done(false));
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (data.includes('\n')) done(data.startsWith('SSH-2.0-'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(data.startsWith('SSH-2.0-')));
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function tail(text: string): string {
  return text.split(/\r?\n/).slice(-40).join('\n');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
