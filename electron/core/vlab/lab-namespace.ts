/**
 * The wire of the bridged practice rack, made with iproute2 and nothing else: a network namespace
 * Rackpilot owns (`rackpilot-lab-<id>`) holding a bridge — the rack's switch — where each running
 * virtual node plugs in through a tap, and one veth pair whose host end is this machine's "lab
 * NIC" (10.78.0.1/24). The boot services bind that host end, so they serve only this wire.
 *
 * Never harm the user's network (DESIGN §10): nothing here touches an interface, route or
 * firewall rule it did not create. The only change the host sees is the veth's own connected
 * route, and the subnet is refused when anything on the host already routes it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { VlabErrorCode } from '../../../shared/domain/vlab';
import { RackpilotError } from '../../../shared/errors';

export const LAB_NS_PREFIX = 'rackpilot-lab-';

/** 10.78.0.0/24: private, next to the rootless peers' 10.77.0.0/24, rarely used by home routers. */
export const LAB_SUBNET = { network: '10.78.0.0', prefix: 24, hostAddress: '10.78.0.1', netmask: '255.255.255.0', poolStart: '10.78.0.100', poolEnd: '10.78.0.199' } as const;
export const LAB_CIDR = `${LAB_SUBNET.network}/${LAB_SUBNET.prefix}`;

export interface LabNames {
  ns: string;
  /** Host end of the veth (where the boot services listen). */
  hostIf: string;
  /** Namespace end of the veth, a port of the bridge. */
  nsIf: string;
  bridge: string;
}

/**
 * `rackpilot-lab-<data dir hash>-<pid>`: the hash recognises our own leftovers at the next start,
 * the pid tells whether the Rackpilot that made a namespace still runs (namespace names are file
 * names; only interface names are limited, to 15 bytes).
 */
export function labNames(dataDir: string, pid = process.pid): LabNames {
  const id = dataDirId(dataDir);
  return { ns: `${LAB_NS_PREFIX}${id}-${pid}`, hostIf: `rplab-${id}`, nsIf: `rplab-${id}n`, bridge: 'br0' };
}

function dataDirId(dataDir: string): string {
  return createHash('sha256').update(dataDir).digest('hex').slice(0, 6);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a `rackpilot-lab-*` namespace is a leftover: ours (same data dir: a crashed run), or
 * made by a Rackpilot that no longer runs. Another live Rackpilot's namespace is never touched.
 */
export function isLeftoverLab(ns: string, own: LabNames, isAlive: (pid: number) => boolean = alive): boolean {
  const m = /^rackpilot-lab-([0-9a-f]{6})-(\d+)$/.exec(ns);
  if (!m?.[1] || !m[2]) return false;
  return ns !== own.ns && (own.hostIf === `rplab-${m[1]}` || !isAlive(Number(m[2])));
}

/** The tap of one VM inside the lab namespace (its own name space: no clash with host names). */
export function tapName(vmId: string): string {
  return `tap-${vmId.replace(/[^a-z0-9]/gi, '').slice(0, 8)}`;
}

export function findIp(): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (dir && existsSync(join(dir, 'ip'))) return join(dir, 'ip');
  }
  return null;
}

function toInt(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function overlaps(a: { net: number; len: number }, b: { net: number; len: number }): boolean {
  const len = Math.min(a.len, b.len);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((a.net & mask) >>> 0) === ((b.net & mask) >>> 0);
}

const ROUTE_TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'anycast']);

/**
 * The lines of `ip -4 route show table all` that reach into the lab subnet, other than our own
 * veth's. A default route does not count (the lab's connected route is more specific and only
 * ever reaches our veth); anything more specific would be shadowed or would shadow us.
 */
export function routesIntoLab(routeTable: string, ownInterface: string): string[] {
  const lab = { net: toInt(LAB_SUBNET.network), len: LAB_SUBNET.prefix };
  return routeTable
    .split('\n')
    .map((l) => l.trim())
    .filter((line) => {
      const words = line.split(/\s+/);
      const dest = ROUTE_TYPES.has(words[0] ?? '') ? words[1] : words[0];
      if (!dest || dest === 'default') return false;
      const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(dest);
      if (!m?.[1]) return false;
      const len = m[2] === undefined ? 32 : Number(m[2]);
      if (len === 0) return false;
      const dev = words[words.indexOf('dev') + 1];
      if (words.includes('dev') && dev === ownInterface) return false;
      return overlaps(lab, { net: toInt(m[1]), len });
    });
}

function failed(what: string, err: unknown): RackpilotError {
  const stderr = (err as { stderr?: Buffer | string }).stderr?.toString().trim();
  const why = stderr || (err instanceof Error ? err.message : String(err));
  return new RackpilotError(VlabErrorCode.LabNetworkFailed, `Could not ${what}: ${why}`);
}

/** iproute2 commands on the lab's own objects only. */
export class LabNamespace {
  constructor(
    readonly names: LabNames,
    private readonly ipPath: string,
  ) {}

  private ip(what: string, ...args: string[]): string {
    try {
      return execFileSync(this.ipPath, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).toString();
    } catch (err) {
      throw failed(what, err);
    }
  }

  /** Best effort, for teardown: the object may already be gone. */
  private quietly(...args: string[]): void {
    spawnSync(this.ipPath, args, { stdio: 'ignore', timeout: 10_000 });
  }

  exists(): boolean {
    return listNamespaces(this.ipPath).includes(this.names.ns);
  }

  /** Refuses (without creating anything) when the host already routes the lab subnet. */
  checkSubnetFree(): void {
    const routes = this.ip('read the routing table', '-4', 'route', 'show', 'table', 'all');
    const clash = routesIntoLab(routes, this.names.hostIf);
    if (clash.length > 0) {
      throw new RackpilotError(
        VlabErrorCode.LabSubnetInUse,
        `The bridged lab network uses ${LAB_CIDR}, but this machine already routes into it (${clash.slice(0, 3).join('; ')}). Rackpilot will not shadow a network you use: free that subnet (or stop the other Rackpilot using it), or create the nodes with network "rootless".`,
        { routes: clash },
      );
    }
  }

  /** Namespace, bridge and veth, all up; on any failure nothing is left behind. */
  create(): void {
    const { ns, hostIf, nsIf, bridge } = this.names;
    this.checkSubnetFree();
    try {
      this.ip('create the lab namespace', 'netns', 'add', ns);
      this.ip('create the lab veth', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
      this.ip('move the veth into the lab namespace', 'link', 'set', nsIf, 'netns', ns);
      this.ip('address the lab veth', 'addr', 'add', `${LAB_SUBNET.hostAddress}/${LAB_SUBNET.prefix}`, 'dev', hostIf);
      this.ip('bring the lab veth up', 'link', 'set', hostIf, 'up');
      this.ip('bring the namespace loopback up', '-n', ns, 'link', 'set', 'lo', 'up');
      // STP stays off (the default): ports forward at once, so firmware DHCP is not held back.
      this.ip('create the lab bridge', '-n', ns, 'link', 'add', bridge, 'type', 'bridge');
      this.ip('plug the veth into the bridge', '-n', ns, 'link', 'set', nsIf, 'master', bridge);
      this.ip('bring the veth up in the namespace', '-n', ns, 'link', 'set', nsIf, 'up');
      this.ip('bring the lab bridge up', '-n', ns, 'link', 'set', bridge, 'up');
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  addTap(tap: string): void {
    const { ns, bridge } = this.names;
    this.quietly('-n', ns, 'link', 'del', tap); // a leftover of a VM that died with its tap
    try {
      this.ip(`create the tap ${tap}`, '-n', ns, 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
      this.ip(`plug ${tap} into the lab bridge`, '-n', ns, 'link', 'set', tap, 'master', bridge);
      this.ip(`bring ${tap} up`, '-n', ns, 'link', 'set', tap, 'up');
    } catch (err) {
      this.quietly('-n', ns, 'link', 'del', tap);
      throw err;
    }
  }

  removeTap(tap: string): void {
    this.quietly('-n', this.names.ns, 'link', 'del', tap);
  }

  /** An address on the lab bridge, inside the namespace (the home router's). */
  addBridgeAddress(cidr: string): void {
    this.ip(`address the lab bridge with ${cidr}`, '-n', this.names.ns, 'addr', 'add', cidr, 'dev', this.names.bridge);
  }

  /**
   * Deleting the namespace deletes its bridge, taps and veth end (and so the host end). A router
   * still running in it would keep the namespace alive unnamed: it is ended first.
   */
  destroy(): void {
    endRouters(this.ipPath, this.names.ns);
    this.quietly('netns', 'del', this.names.ns);
    this.quietly('link', 'del', this.names.hostIf);
  }

  /** Whether the host end of our veth is still there (tests check nothing remains). */
  hostLinkExists(): boolean {
    return spawnSync(this.ipPath, ['link', 'show', 'dev', this.names.hostIf], { stdio: 'ignore' }).status === 0;
  }
}

export function listNamespaces(ipPath: string): string[] {
  const out = spawnSync(ipPath, ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/**
 * Ends every dnsmasq in a lab namespace: the home router (home-router.ts), or one a crashed
 * Rackpilot left running there. Only processes inside that namespace are looked at, and only
 * dnsmasq is touched (a leftover QEMU is ended by its own check, stale-process.ts). Returns pids.
 */
export function endRouters(ipPath: string, ns: string): number[] {
  const out = spawnSync(ipPath, ['netns', 'pids', ns], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
  const ended: number[] = [];
  for (const pid of out.split('\n').map((l) => Number(l.trim())).filter((n) => Number.isInteger(n) && n > 0)) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'dnsmasq') continue;
      process.kill(pid, 'SIGKILL');
      ended.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return ended;
}

/** Start-up: removes the leftover lab namespaces (see isLeftoverLab), their routers, and our stray veth. */
export function removeLeftoverLabs(ipPath: string, own: LabNames): string[] {
  const removed: string[] = [];
  for (const ns of listNamespaces(ipPath)) {
    if (!isLeftoverLab(ns, own)) continue;
    endRouters(ipPath, ns);
    spawnSync(ipPath, ['netns', 'del', ns], { stdio: 'ignore', timeout: 10_000 });
    removed.push(ns);
  }
  const lab = new LabNamespace(own, ipPath);
  if (lab.exists() || lab.hostLinkExists()) {
    lab.destroy();
    removed.push(own.ns);
  }
  return removed;
}
