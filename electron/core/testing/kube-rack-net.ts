/**
 * The stand-in rack's wiring (root only): a "switch" network namespace holding a bridge, one
 * network namespace per node plugged into it by a veth pair (the node's eth0), and a veth whose
 * host end is this machine's address on the rack (.1). The bridge lives in its own namespace,
 * not on the host, so the host's firewall (Docker sets FORWARD to DROP) never sees node-to-node
 * traffic and nothing a node does to iptables reaches the host.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where racks claim their /24 (mkdir is atomic): racks in parallel test workers never share one. */
const CLAIMS_DIR = '/run/rackpilot-kube-rack';

export interface RackNames {
  /** Short unique id (pid + tag + sequence), part of every name below. */
  id: string;
  /** Prefix of every network namespace of this rack. */
  nsPrefix: string;
  switchNs: string;
  /** The host end of the uplink veth (≤ 15 characters). */
  hostIf: string;
}

export interface RackNet {
  subnet: string;
  hostAddress: string;
  nodes: { ns: string; address: string }[];
}

let seq = 0;

export function rackNames(tag: string): RackNames {
  const t = tag.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 4) || 'rack';
  const id = `${t}${process.pid.toString(36).slice(-4)}${(seq++ % 36).toString(36)}`;
  return { id, nsPrefix: `rpk-${id}-`, switchNs: `rpk-${id}-sw`, hostIf: `rpk${id}` };
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A 172.31.100–199.0/24 no route uses and no live rack claims (lab-net.ts takes 200–254).
 * Returns the first three octets.
 */
export function claimSubnet(): string {
  mkdirSync(CLAIMS_DIR, { recursive: true });
  const routes = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all']).toString();
  for (let i = 0; i < 100; i++) {
    const third = 100 + ((process.pid + i) % 100);
    const subnet = `172.31.${third}`;
    if (routes.includes(`${subnet}.`)) continue;
    const claim = join(CLAIMS_DIR, subnet);
    try {
      mkdirSync(claim);
    } catch {
      // Claimed: take it over only when the claiming process is gone (no pid yet: being claimed).
      const owner = Number(readFileSync(join(claim, 'pid'), { encoding: 'utf8', flag: 'a+' }).trim());
      if (!owner || pidAlive(owner)) continue;
    }
    writeFileSync(join(claim, 'pid'), String(process.pid));
    return subnet;
  }
  throw new Error('no free 172.31.100-199.0/24 subnet for the stand-in rack: remove stale rpk* interfaces (ip link) and retry');
}

export function claimPath(subnet: string): string {
  return join(CLAIMS_DIR, subnet);
}

/** Creates the switch, the host uplink and one namespace per node; addresses .11, .12, … */
export function wireRack(names: RackNames, subnet: string, nodeCount: number): RackNet {
  const hostAddress = `${subnet}.1`;
  const sw = names.switchNs;
  ip('netns', 'add', sw);
  ip('-n', sw, 'link', 'set', 'lo', 'up');
  ip('-n', sw, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', sw, 'link', 'set', 'br0', 'up');
  ip('link', 'add', names.hostIf, 'type', 'veth', 'peer', 'name', 'up0', 'netns', sw);
  ip('-n', sw, 'link', 'set', 'up0', 'master', 'br0');
  ip('-n', sw, 'link', 'set', 'up0', 'up');
  ip('addr', 'add', `${hostAddress}/24`, 'dev', names.hostIf);
  ip('link', 'set', names.hostIf, 'up');
  const nodes: RackNet['nodes'] = [];
  for (let i = 0; i < nodeCount; i++) {
    const ns = `${names.nsPrefix}n${i}`;
    const address = `${subnet}.${11 + i}`;
    ip('netns', 'add', ns);
    ip('-n', sw, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('-n', sw, 'link', 'set', `p${i}`, 'master', 'br0');
    ip('-n', sw, 'link', 'set', `p${i}`, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'route', 'add', 'default', 'via', hostAddress);
    nodes.push({ ns, address });
  }
  return { subnet, hostAddress, nodes };
}

/**
 * A shell script that removes everything of this rack, safe to run any number of times and from
 * a process that outlives the test worker: every process in the rack's namespaces (sshd, its
 * sessions, stand-in API servers) is ended, then the namespaces, the uplink, the throwaway user,
 * the subnet claim and the rack directory go.
 */
export function cleanupScript(o: { names: RackNames; user?: string; subnet?: string; rackDir?: string }): string {
  const { names } = o;
  const lines = [
    `nss=$(ip netns list | awk '{print $1}' | grep '^${names.nsPrefix}' || true)`,
    'pids() { for ns in $nss; do ip netns pids "$ns" 2>/dev/null; done; }',
    'p=$(pids); [ -n "$p" ] && kill -TERM $p 2>/dev/null',
    'i=0; while [ -n "$(pids)" ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done',
    'p=$(pids); [ -n "$p" ] && kill -KILL $p 2>/dev/null && sleep 0.2',
    'for ns in $nss; do ip netns del "$ns" 2>/dev/null; done',
    `ip link del ${names.hostIf} 2>/dev/null`,
  ];
  if (o.user) {
    lines.push(`rm -f /etc/sudoers.d/${o.user}`, `pkill -KILL -u ${o.user} 2>/dev/null`, `userdel -r -f ${o.user} 2>/dev/null`);
  }
  if (o.subnet) lines.push(`rm -rf ${claimPath(o.subnet)}`);
  if (o.rackDir) lines.push(`rm -rf '${o.rackDir}'`);
  lines.push('exit 0');
  return lines.join('\n') + '\n';
}

export function runCleanup(script: string): void {
  spawnSync('sh', ['-c', script], { stdio: 'ignore' });
}

export function removeClaim(subnet: string): void {
  rmSync(claimPath(subnet), { recursive: true, force: true });
}
