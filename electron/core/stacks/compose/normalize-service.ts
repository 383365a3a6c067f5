/**
 * One merged, validated service → ComposeService: every short form expanded, durations in ns,
 * sizes in bytes, env_files read and merged under `environment`, relative bind sources made
 * absolute against the stack's folder.
 */
import { posix } from 'node:path';
import { parseEnvFile } from './env-file';
import { parseDevice, parseDeviceLong, parseExtraHost } from './host-entries';
import type { Lookup } from './interpolate';
import type { Issues } from './issues';
import type { ComposeService, DependsOnCondition, Healthcheck, PortMapping, ServiceMount } from './model';
import { mountOfNode } from './mounts';
import { parsePortLong, parsePortString, type LongPort } from './ports';
import { splitShellWords } from './shell-words';
import { toPlain, valueOf, type MapNode, type ScalarValue, type SourceNode } from './source-node';
import { parseBool, parseBytes, parseCpus, parseDuration, parseInteger, parseRestart, type Parsed } from './values';
import { resolveEnvEntries } from './variables';

export interface NormalizeContext {
  workingDir: string;
  lookup: Lookup;
  readFile?: (path: string) => string;
  issues: Issues;
}

/** Validation has vouched for the value; a parse failure here is a bug, not a user error. */
function must<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(`compose normalize: validated value did not parse: ${parsed.error}`);
  return parsed.value;
}

function items(node: SourceNode | undefined): SourceNode[] {
  return node?.kind === 'seq' ? node.items : [];
}

function strings(node: SourceNode | undefined): string[] {
  return items(node).map((i) => String(toPlain(i)));
}

function text(node: SourceNode | undefined): string | null {
  return node?.kind === 'scalar' && node.value !== null ? String(node.value) : null;
}

function scalar(node: SourceNode | undefined): ScalarValue | undefined {
  return node?.kind === 'scalar' && node.value !== null ? node.value : undefined;
}

/** `{ KEY: value }` or `[KEY=value]` → strings; a key with no value maps to ''. */
export function keyValues(node: SourceNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (node?.kind === 'map') for (const e of node.entries) out[e.key] = e.value.kind === 'scalar' && e.value.value !== null ? String(e.value.value) : '';
  for (const item of items(node)) {
    const s = String(toPlain(item));
    const eq = s.indexOf('=');
    out[eq === -1 ? s : s.slice(0, eq)] = eq === -1 ? '' : s.slice(eq + 1);
  }
  return out;
}

function command(node: SourceNode | undefined): string[] | null {
  if (!node || (node.kind === 'scalar' && node.value === null)) return null;
  if (node.kind === 'seq') return strings(node);
  return must(splitShellWords(String(toPlain(node))));
}

function environment(svc: MapNode, ctx: NormalizeContext): Record<string, string> {
  const env = new Map<string, string>();
  const envFiles = valueOf(svc, 'env_file');
  for (const item of envFiles?.kind === 'seq' ? envFiles.items : envFiles && scalar(envFiles) !== undefined ? [envFiles] : []) {
    const spec = toPlain(item) as string | { path: string; required?: boolean | string };
    const path = typeof spec === 'string' ? spec : spec.path;
    const required = typeof spec === 'string' || spec.required === undefined ? true : must(parseBool(spec.required));
    const content = readEnvFile(item, path, required, ctx);
    if (content === null) continue;
    const entries = parseEnvFile(path, content, ctx.issues);
    for (const [k, v] of resolveEnvEntries(path, entries, ctx.lookup, false, ctx.issues)) env.set(k, v);
  }
  const own = valueOf(svc, 'environment');
  for (const e of own?.kind === 'map' ? own.entries : []) {
    const value = scalar(e.value);
    // `KEY:` with no value passes the variable through (as the shell's would), or leaves it unset.
    const resolved = value === undefined ? ctx.lookup(e.key) : String(value);
    if (resolved === undefined) env.delete(e.key);
    else env.set(e.key, resolved);
  }
  return Object.fromEntries([...env].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function readEnvFile(item: SourceNode, path: string, required: boolean, ctx: NormalizeContext): string | null {
  const absolute = posix.resolve(ctx.workingDir, path);
  if (!ctx.readFile) {
    ctx.issues.error(item.at, `${item.at.path}: env_file ${path} cannot be read here (no file access for this stack): move its variables into environment:.`);
    return null;
  }
  try {
    return ctx.readFile(absolute);
  } catch (err) {
    if (required) ctx.issues.error(item.at, `${item.at.path}: env_file ${path} cannot be read (${(err as Error).message}): create it in the stack's folder, or set required: false.`);
    return null;
  }
}

function ports(svc: MapNode): PortMapping[] {
  return items(valueOf(svc, 'ports')).flatMap((p) => {
    if (p.kind === 'map') return must(parsePortLong(toPlain(p) as LongPort));
    if (p.kind === 'scalar' && typeof p.value === 'number') return [{ target: p.value, published: null, hostIp: '', protocol: 'tcp' as const }];
    return must(parsePortString(String(toPlain(p))));
  });
}

function mounts(svc: MapNode, ctx: NormalizeContext): ServiceMount[] {
  return items(valueOf(svc, 'volumes')).map((item) => {
    const mount = mountOfNode(item);
    if (!mount) throw new Error(`compose normalize: validated mount did not parse at ${item.at.path}`);
    if (mount.type !== 'bind') return mount;
    if (mount.source.startsWith('~')) {
      ctx.issues.warning(item.at, `${item.at.path}: "${mount.source}" is used as written: Rackpilot does not expand ~ (the engine's home is not known here); write an absolute path.`);
      return mount;
    }
    return { ...mount, source: posix.resolve(ctx.workingDir, mount.source) };
  });
}

function networks(svc: MapNode): ComposeService['networks'] {
  const node = valueOf(svc, 'networks');
  const out: ComposeService['networks'] = {};
  for (const e of node?.kind === 'map' ? node.entries : []) {
    const attach = e.value.kind === 'map' ? e.value : null;
    out[e.key] = { aliases: attach ? strings(valueOf(attach, 'aliases')) : [], ipv4Address: attach ? text(valueOf(attach, 'ipv4_address')) : null };
  }
  return Object.keys(out).length > 0 ? out : { default: { aliases: [], ipv4Address: null } };
}

function dependsOn(svc: MapNode, running: Set<string>): ComposeService['dependsOn'] {
  const node = valueOf(svc, 'depends_on');
  const out: ComposeService['dependsOn'] = {};
  for (const e of node?.kind === 'map' ? node.entries : []) {
    const opts = e.value.kind === 'map' ? e.value : null;
    const flag = (key: string, fallback: boolean) => {
      const v = opts ? scalar(valueOf(opts, key)) : undefined;
      return v === undefined ? fallback : must(parseBool(v));
    };
    const required = flag('required', true);
    if (!running.has(e.key)) continue; // an optional dependency whose profile is off (required ones were reported)
    out[e.key] = { condition: ((opts && text(valueOf(opts, 'condition'))) ?? 'service_started') as DependsOnCondition, restart: flag('restart', false), required };
  }
  return out;
}

function duration(node: SourceNode | undefined): number | null {
  const s = text(node);
  return s === null ? null : must(parseDuration(s));
}

function healthcheck(svc: MapNode): Healthcheck | null {
  const hc = valueOf(svc, 'healthcheck');
  if (hc?.kind !== 'map') return null;
  const disabled = scalar(valueOf(hc, 'disable'));
  if (disabled !== undefined && must(parseBool(disabled))) return { test: ['NONE'], intervalNs: null, timeoutNs: null, retries: null, startPeriodNs: null };
  const test = valueOf(hc, 'test');
  const retries = scalar(valueOf(hc, 'retries'));
  return {
    test: test?.kind === 'seq' ? strings(test) : test?.kind === 'scalar' && test.value !== null ? ['CMD-SHELL', String(test.value)] : [],
    intervalNs: duration(valueOf(hc, 'interval')),
    timeoutNs: duration(valueOf(hc, 'timeout')),
    retries: retries === undefined ? null : must(parseInteger(retries, 0, 1_000_000)),
    startPeriodNs: duration(valueOf(hc, 'start_period')),
  };
}

function devices(svc: MapNode): ComposeService['devices'] {
  return items(valueOf(svc, 'devices')).map((d) => {
    if (d.kind !== 'map') return must(parseDevice(String(toPlain(d))));
    const { source, target, permissions } = toPlain(d) as { source: string; target?: string; permissions?: string };
    return must(parseDeviceLong(source, target, permissions));
  });
}

function logging(svc: MapNode): ComposeService['logging'] {
  const node = valueOf(svc, 'logging');
  if (node?.kind !== 'map') return null;
  const options = valueOf(node, 'options');
  const opts: Record<string, string> = {};
  for (const e of options?.kind === 'map' ? options.entries : []) if (scalar(e.value) !== undefined) opts[e.key] = String(scalar(e.value));
  // '' leaves the engine's default log driver, with these options.
  return { driver: text(valueOf(node, 'driver')) ?? '', options: opts };
}

function limits(svc: MapNode): ComposeService['limits'] {
  const deploy = toPlain(svc) as { deploy?: { resources?: { limits?: Record<string, ScalarValue> } } };
  const l = deploy.deploy?.resources?.limits ?? {};
  const pick = (modern: string, legacy: string) => l[modern] ?? scalar(valueOf(svc, legacy)) ?? null;
  const [cpus, memory, pids] = [pick('cpus', 'cpus'), pick('memory', 'mem_limit'), pick('pids', 'pids_limit')];
  return {
    nanoCpus: cpus === null ? null : must(parseCpus(cpus)),
    memoryBytes: memory === null ? null : must(parseBytes(memory)),
    pids: pids === null ? null : must(parseInteger(pids, -1, 2 ** 31 - 1)),
  };
}

export function normalizeService(name: string, svc: MapNode, running: Set<string>, ctx: NormalizeContext): ComposeService {
  const flag = (key: string) => {
    const v = scalar(valueOf(svc, key));
    return v === undefined ? false : must(parseBool(v));
  };
  const restart = text(valueOf(svc, 'restart'));
  const grace = duration(valueOf(svc, 'stop_grace_period'));
  return {
    name,
    image: text(valueOf(svc, 'image')) ?? '',
    command: command(valueOf(svc, 'command')),
    entrypoint: command(valueOf(svc, 'entrypoint')),
    environment: environment(svc, ctx),
    ports: ports(svc),
    mounts: mounts(svc, ctx),
    networks: networks(svc),
    dependsOn: dependsOn(svc, running),
    restart: restart === null ? { name: 'no' } : must(parseRestart(restart)),
    healthcheck: healthcheck(svc),
    labels: keyValues(valueOf(svc, 'labels')),
    user: text(valueOf(svc, 'user')),
    workingDir: text(valueOf(svc, 'working_dir')),
    hostname: text(valueOf(svc, 'hostname')),
    capAdd: strings(valueOf(svc, 'cap_add')),
    capDrop: strings(valueOf(svc, 'cap_drop')),
    devices: devices(svc),
    extraHosts: strings(valueOf(svc, 'extra_hosts')).map((h) => must(parseExtraHost(h))),
    logging: logging(svc),
    privileged: flag('privileged'),
    init: flag('init'),
    // docker compose truncates to whole seconds for the engine's StopTimeout.
    stopGracePeriodSeconds: grace === null ? null : Math.floor(grace / 1e9),
    limits: limits(svc),
    profiles: strings(valueOf(svc, 'profiles')),
  };
}
