/**
 * Facts: one small POSIX sh script run over the node's pooled connection prints labelled
 * sections (no sudo: what needs root, like the DMI serial, comes back null); pure parsers turn
 * each section into NodeFacts. Every probe tolerates a missing tool, so a minimal image still
 * yields what it can.
 */
import type { NodeDisk, NodeFacts, NodeNic, NodeNicAddress } from '../../../shared/domain/facts';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { JobContext } from '../jobs/jobs-service';
import type { SshService } from './ssh-service';
import { describeTarget, type SshTarget } from './target';

export const FACTS_PHASES = ['connect', 'gather', 'store'];

const MARK = '@@rackpilot-facts:';

export const FACTS_SCRIPT = `
export LC_ALL=C PATH="$PATH:/usr/sbin:/sbin"
echo '${MARK}os-release'; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
echo '${MARK}kernel'; uname -r 2>/dev/null
echo '${MARK}arch'; uname -m 2>/dev/null
echo '${MARK}cpuinfo'; grep -E '^(processor|model name|physical id|core id|Model|Hardware|cpu model)[[:space:]]*:' /proc/cpuinfo 2>/dev/null
echo '${MARK}meminfo'; grep '^MemTotal:' /proc/meminfo 2>/dev/null
echo '${MARK}lsblk'; lsblk -J -b -o NAME,SIZE,TYPE,MODEL,SERIAL,ROTA,TRAN 2>/dev/null
echo '${MARK}ip'; ip -j addr 2>/dev/null
echo '${MARK}dmi'
for f in sys_vendor product_name product_serial; do
  if v=$(cat /sys/class/dmi/id/$f 2>/dev/null); then printf '%s=%s\\n' "$f" "$v"; fi
done
echo '${MARK}virt'; systemd-detect-virt 2>/dev/null
echo '${MARK}end'
`;

/** Splits the script's output into its sections (name → text). */
export function splitSections(output: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  for (const line of output.split('\n')) {
    if (line.startsWith(MARK)) {
      if (name) sections.set(name, lines.join('\n'));
      name = line.slice(MARK.length).trim();
      lines = [];
    } else if (name) lines.push(line);
  }
  if (name) sections.set(name, lines.join('\n'));
  return sections;
}

/** os-release: KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): NodeFacts['os'] {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
    values.set(m[1]!, v);
  }
  return { id: values.get('ID') || null, versionId: values.get('VERSION_ID') || null, prettyName: values.get('PRETTY_NAME') || null };
}

/** The relevant lines of /proc/cpuinfo: model, logical CPUs (threads), distinct physical cores. */
export function parseCpuInfo(text: string): NodeFacts['cpu'] {
  let model: string | null = null;
  let threads = 0;
  const cores = new Set<string>();
  let physical = '0';
  for (const line of text.split('\n')) {
    const m = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'processor') threads++;
    else if ((key === 'model name' || key === 'Model' || key === 'cpu model' || key === 'Hardware') && !model && value) model = value.trim();
    else if (key === 'physical id') physical = value;
    else if (key === 'core id') cores.add(`${physical}/${value}`);
  }
  return { model, threads: threads || null, cores: cores.size || threads || null };
}

export function parseMemTotal(text: string): number | null {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

interface LsblkDevice {
  name?: unknown;
  size?: unknown;
  type?: unknown;
  model?: unknown;
  serial?: unknown;
  rota?: unknown;
  tran?: unknown;
  children?: unknown;
}

/** `lsblk -J -b -o NAME,SIZE,TYPE,MODEL,SERIAL,ROTA,TRAN`; old lsblk prints numbers and flags as strings. */
export function parseLsblk(text: string): NodeDisk[] {
  const doc = parseJson(text) as { blockdevices?: unknown } | null;
  const devices = doc && Array.isArray(doc.blockdevices) ? (doc.blockdevices as LsblkDevice[]) : [];
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const toDisk = (d: LsblkDevice): NodeDisk => ({
    name: str(d.name) ?? '',
    sizeBytes: Number(d.size) || 0,
    type: str(d.type) ?? 'unknown',
    model: str(d.model),
    serial: str(d.serial),
    rotational: d.rota === true || d.rota === '1' || d.rota === 1 ? true : d.rota === false || d.rota === '0' || d.rota === 0 ? false : null,
    transport: str(d.tran),
    children: Array.isArray(d.children) ? (d.children as LsblkDevice[]).map(toDisk) : [],
  });
  return devices.map(toDisk);
}

interface IpLink {
  ifname?: unknown;
  address?: unknown;
  mtu?: unknown;
  operstate?: unknown;
  link_type?: unknown;
  addr_info?: { family?: unknown; local?: unknown; prefixlen?: unknown }[];
}

/** `ip -j addr`. */
export function parseIpAddr(text: string): NodeNic[] {
  const doc = parseJson(text);
  if (!Array.isArray(doc)) return [];
  return (doc as IpLink[]).map((l) => ({
    name: typeof l.ifname === 'string' ? l.ifname : '',
    mac: typeof l.address === 'string' && l.link_type !== 'loopback' ? l.address : null,
    mtu: typeof l.mtu === 'number' ? l.mtu : null,
    state: typeof l.operstate === 'string' ? l.operstate : null,
    addresses: (Array.isArray(l.addr_info) ? l.addr_info : [])
      .filter((a) => (a.family === 'inet' || a.family === 'inet6') && typeof a.local === 'string')
      .map((a): NodeNicAddress => ({ family: a.family as 'inet' | 'inet6', address: a.local as string, prefixLength: Number(a.prefixlen) || 0 })),
  }));
}

/** `name=value` lines for the DMI files that were readable; the rest are null. */
export function parseDmi(text: string): NodeFacts['dmi'] {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) values.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const get = (k: string) => values.get(k) || null;
  return { vendor: get('sys_vendor'), product: get('product_name'), serial: get('product_serial') };
}

/** systemd-detect-virt prints `none` on bare metal; no output means it is not installed. */
export function parseVirt(text: string): string | null {
  const v = text.trim().split('\n')[0]?.trim() ?? '';
  return v === '' || v === 'none' ? null : v;
}

export function parseFacts(output: string, gatheredAt: string): NodeFacts {
  const s = splitSections(output);
  const first = (name: string) => s.get(name)?.trim().split('\n')[0]?.trim() || null;
  return {
    os: parseOsRelease(s.get('os-release') ?? ''),
    kernel: first('kernel'),
    arch: first('arch'),
    cpu: parseCpuInfo(s.get('cpuinfo') ?? ''),
    memoryBytes: parseMemTotal(s.get('meminfo') ?? ''),
    disks: parseLsblk(s.get('lsblk') ?? ''),
    nics: parseIpAddr(s.get('ip') ?? ''),
    dmi: parseDmi(s.get('dmi') ?? ''),
    virtualization: parseVirt(s.get('virt') ?? ''),
    gatheredAt,
  };
}

function parseJson(text: string): unknown {
  try {
    return text.trim() ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

/**
 * The facts job: connect (the pool verifies the pinned host key and authenticates), run the
 * script, store. Errors from the SSH layer (unknown host key, auth, unreachable) end the job as is.
 */
export async function gatherFacts(ssh: SshService, target: SshTarget, ctx: JobContext, store: (facts: NodeFacts) => void): Promise<NodeFacts> {
  if (target.address === '') {
    throw new RackpilotError(ErrorCode.Validation, `Node ${target.name} has no address yet. Edit the node and enter its IP address or host name.`);
  }
  ctx.phase('connect');
  await ssh.pool.connection(target).ready(ctx.signal);
  ctx.log(`connected to ${describeTarget(target)}`);
  ctx.phase('gather');
  const result = await ssh.runScript(target, FACTS_SCRIPT, { signal: ctx.signal, timeoutMs: 60_000 });
  if (result.exitCode !== 0) {
    throw new RackpilotError(ErrorCode.Internal, `The facts script failed on ${describeTarget(target)} (exit ${result.exitCode ?? result.signal}): ${result.stderr.trim().slice(-500) || 'no error output'}`);
  }
  if (!result.stdout.includes(`${MARK}end`)) {
    throw new RackpilotError(ErrorCode.Internal, `The facts script's output from ${describeTarget(target)} was cut short; no facts were stored.`);
  }
  const facts = parseFacts(result.stdout, new Date().toISOString());
  ctx.log(`${facts.os.prettyName ?? 'unknown OS'}, kernel ${facts.kernel ?? '?'}, ${facts.cpu.threads ?? '?'} CPU thread(s), ${facts.disks.length} block device(s), ${facts.nics.length} network interface(s)`);
  ctx.phase('store');
  store(facts);
  return facts;
}
