/**
 * Port mappings, short (`[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`, IPv6 host IPs in brackets,
 * equal-length ranges like `8000-8002:80-82`) and long (`{ target, published, host_ip, protocol,
 * mode }`) syntax, expanded to one PortMapping per container port.
 */
import type { PortMapping } from './model';
import { parseInteger, type Parsed } from './values';

type Protocol = PortMapping['protocol'];

interface PortRange {
  start: number;
  count: number;
}

function parseRange(text: string, what: string): Parsed<PortRange> {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return { ok: false, error: `"${text}" is not a ${what} port (a number 1–65535, or a range like 8000-8010)` };
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1 || end > 65535 || end < start) return { ok: false, error: `${what} port ${text} is out of range (1–65535, low-high)` };
  return { ok: true, value: { start, count: end - start + 1 } };
}

function parseProtocol(text: string): Parsed<Protocol> {
  const p = text.toLowerCase();
  if (p === 'tcp' || p === 'udp') return { ok: true, value: p };
  return { ok: false, error: `protocol "${text}" is not supported: use tcp or udp` };
}

/** Pairs container ports with host ports: both single, both ranges of one length, or no host port. */
function expand(hostIp: string, published: PortRange | null, target: PortRange, protocol: Protocol): Parsed<PortMapping[]> {
  if (published && published.count !== target.count) {
    const why = target.count === 1 ? 'a range of host ports for one container port (the engine picking one) is not supported: publish one host port' : 'the host and container port ranges differ in length: make them the same length';
    return { ok: false, error: why };
  }
  const mappings = Array.from({ length: target.count }, (_, i) => ({ target: target.start + i, published: published ? published.start + i : null, hostIp, protocol }));
  return { ok: true, value: mappings };
}

/** Short syntax: `80`, `8080:80`, `127.0.0.1:8080:80/udp`, `127.0.0.1::80`, `[::1]:8080:80`, `8000-8001:80-81`. */
export function parsePortString(spec: string): Parsed<PortMapping[]> {
  let rest = spec.trim();
  let protocol: Protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    const proto = parseProtocol(rest.slice(slash + 1));
    if (!proto.ok) return proto;
    protocol = proto.value;
    rest = rest.slice(0, slash);
  }
  let hostIp = '';
  let parts: string[];
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']:');
    if (end === -1) return { ok: false, error: `"${spec}" has an IPv6 host address without "]:" after it: write [::1]:8080:80` };
    hostIp = rest.slice(1, end);
    parts = rest.slice(end + 2).split(':');
    if (parts.length !== 2) return { ok: false, error: `"${spec}" needs host and container ports after the address: write [::1]:8080:80` };
  } else {
    parts = rest.split(':');
    if (parts.length > 3) return { ok: false, error: `"${spec}" has too many ":"; an IPv6 host address goes in brackets: [::1]:8080:80` };
    if (parts.length === 3) hostIp = parts.shift()!;
  }
  const targetText = parts.pop()!;
  const publishedText = parts.pop() ?? '';
  const target = parseRange(targetText, 'container');
  if (!target.ok) return target;
  let published: PortRange | null = null;
  if (publishedText !== '') {
    const p = parseRange(publishedText, 'host');
    if (!p.ok) return p;
    published = p.value;
  }
  return expand(hostIp, published, target.value, protocol);
}

/** The long syntax's fields, already known to have the right types (validation checked them). */
export interface LongPort {
  target: string | number;
  published?: string | number | null;
  host_ip?: string | null;
  protocol?: string | null;
  /** `host` or `ingress`: on a single engine both publish on the node itself. */
  mode?: string | null;
}

export function parsePortLong(port: LongPort): Parsed<PortMapping[]> {
  const target = parseInteger(port.target, 1, 65535);
  if (!target.ok) return { ok: false, error: `target: ${target.error}` };
  let protocol: Protocol = 'tcp';
  if (port.protocol) {
    const p = parseProtocol(port.protocol);
    if (!p.ok) return p;
    protocol = p.value;
  }
  if (port.mode && port.mode !== 'host' && port.mode !== 'ingress') return { ok: false, error: `mode "${port.mode}" is not a port mode: use host or ingress` };
  let published: PortRange | null = null;
  if (port.published !== undefined && port.published !== null && port.published !== '') {
    const p = parseRange(String(port.published).trim(), 'host');
    if (!p.ok) return { ok: false, error: `published: ${p.error}` };
    published = p.value;
  }
  return expand(port.host_ip ?? '', published, { start: target.value, count: 1 }, protocol);
}
