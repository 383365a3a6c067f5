/**
 * The home-LAN shape of the bridged practice rack: a pretend home router on the lab wire, so
 * Rackpilot runs as it will on a real home network — proxyDHCP beside someone else's DHCP server
 * (DESIGN §5.2). The router is Debian's dnsmasq (package dnsmasq-base), started by Rackpilot
 * *inside* the lab namespace, bound to the lab bridge, and never anywhere else. Like a home
 * router it hands out addresses and a default router, and nothing else: no PXE options (those
 * are Rackpilot's to give) and no DNS (`--port=0`).
 *
 * It runs in the foreground as our child (`--no-daemon`: no fork, no pid file, no change of user,
 * so it can write its lease file in the data dir), and goes with the lab. If Rackpilot dies, the
 * namespace and this process outlive it; the next start ends it (endRouters in lab-namespace.ts)
 * before it deletes the namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { VlabErrorCode } from '../../../shared/domain/vlab';
import { RackpilotError } from '../../../shared/errors';
import type { Logger } from '../log';
import { LAB_SUBNET } from './lab-namespace';

/** The router's address on the lab bridge and its pool: apart from Rackpilot's own DHCP pool (.100–.199). */
export const HOME_ROUTER = { address: '10.78.0.254', poolStart: '10.78.0.50', poolEnd: '10.78.0.99', leaseSeconds: 3600 } as const;

export const DNSMASQ_PACKAGE = 'dnsmasq-base';

export function findDnsmasq(): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin']) {
    if (dir && existsSync(join(dir, 'dnsmasq'))) return join(dir, 'dnsmasq');
  }
  return null;
}

/** Why the home-router shape cannot run here, or null. */
export function homeRouterUnavailable(): string | null {
  return findDnsmasq() ? null : `the home-LAN shape needs dnsmasq as the pretend router (sudo apt-get install ${DNSMASQ_PACKAGE})`;
}

const LEASES_PREFIX = 'home-router-';

/**
 * The router's lease file: in the data dir, named after its lab namespace — which also puts the
 * namespace's name on dnsmasq's command line, so `pgrep -f` finds a lab's router. Removed with
 * the lab (and at the next start, after a crash: removeRouterLeases).
 */
export function routerLeaseFile(dataDir: string, ns: string): string {
  return join(dataDir, 'vlab', `${LEASES_PREFIX}${ns}.leases`);
}

/** Start-up: the lease files of labs a crash left behind. */
export function removeRouterLeases(dataDir: string): void {
  const dir = join(dataDir, 'vlab');
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  for (const f of files) if (f.startsWith(LEASES_PREFIX) && f.endsWith('.leases')) rmSync(join(dir, f), { force: true });
}

/** dnsmasq's command line; pure, so the unit tests pin every choice. */
export function dnsmasqArgs(spec: { bridge: string; leaseFile: string }): string[] {
  return [
    // Our child in the foreground: its pid is the one we stop, its log comes down our pipe.
    '--no-daemon',
    '--log-facility=-',
    // None of this machine's dnsmasq configuration (a system dnsmasq may have one).
    '--conf-file=/dev/null',
    // No DNS, so no resolver is advertised either: the router hands out addresses only.
    '--port=0',
    `--interface=${spec.bridge}`,
    '--bind-interfaces',
    `--dhcp-range=${HOME_ROUTER.poolStart},${HOME_ROUTER.poolEnd},${LAB_SUBNET.netmask},${HOME_ROUTER.leaseSeconds}`,
    `--dhcp-option=option:router,${HOME_ROUTER.address}`,
    `--dhcp-leasefile=${spec.leaseFile}`,
  ];
}

const READY = /DHCP, IP range/;
const OUTPUT_KEEP = 4096;

export interface RouterLab {
  ipPath: string;
  ns: string;
  bridge: string;
  /** Puts the router's address on the bridge (inside the namespace). */
  addBridgeAddress(cidr: string): void;
}

/** One running router; start() resolves once dnsmasq serves DHCP, stop() once it is gone. */
export class HomeRouter {
  private child: ChildProcess | null = null;
  private output = '';

  readonly leaseFile: string;

  constructor(
    private readonly dataDir: string,
    ns: string,
    /** dnsmasq's own lines go to debug; its dying on its own is a warning. */
    private readonly log: Pick<Logger, 'debug' | 'warn'>,
  ) {
    this.leaseFile = routerLeaseFile(dataDir, ns);
  }

  async start(lab: RouterLab, timeoutMs = 10_000): Promise<void> {
    const dnsmasq = findDnsmasq();
    if (!dnsmasq) throw new RackpilotError(VlabErrorCode.HomeRouterUnavailable, `Cannot start the lab's home router: ${homeRouterUnavailable() ?? 'dnsmasq is missing'}.`);
    mkdirSync(join(this.dataDir, 'vlab'), { recursive: true, mode: 0o700 });
    // A fresh wire, a fresh router: no leases from an earlier lab.
    rmSync(this.leaseFile, { force: true });
    lab.addBridgeAddress(`${HOME_ROUTER.address}/${LAB_SUBNET.prefix}`);
    // `ip netns exec` execs dnsmasq in place: the child's pid is dnsmasq's.
    const child = spawn(lab.ipPath, ['netns', 'exec', lab.ns, dnsmasq, ...dnsmasqArgs({ bridge: lab.bridge, leaseFile: this.leaseFile })], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.failed(`it did not start serving DHCP within ${timeoutMs / 1000} s`)), timeoutMs);
      const onData = (d: Buffer) => {
        const text = d.toString();
        this.output = (this.output + text).slice(-OUTPUT_KEEP);
        for (const line of text.split('\n')) if (line.trim()) this.log.debug(`home router: ${line.trim()}`);
        if (READY.test(this.output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(this.failed(err.message));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(this.failed(`it exited (${code ?? signal})`));
      });
    });
    try {
      await ready;
    } catch (err) {
      await this.stop();
      throw err;
    }
    child.once('exit', (code, signal) => {
      if (this.child === child) this.log.warn(`the lab's home router (dnsmasq) exited on its own (${code ?? signal}): the lab has no DHCP server until its bridged nodes are stopped and started again`);
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; removes the lease file. Idempotent. */
  async stop(graceMs = 3000): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    }
    rmSync(this.leaseFile, { force: true });
  }

  private failed(why: string): RackpilotError {
    const said = this.output.trim().split('\n').slice(-3).join(' / ');
    return new RackpilotError(VlabErrorCode.LabNetworkFailed, `Could not start the lab's home router (dnsmasq in the lab namespace): ${why}${said ? ` — it said: ${said}` : ''}`);
  }
}
