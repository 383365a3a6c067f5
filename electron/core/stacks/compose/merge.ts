/**
 * Merges compose files in order, as `docker compose -f a.yaml -f b.yaml` does: mappings merge
 * key by key, scalars and other lists are replaced, ports / cap_add / cap_drop / profiles /
 * env_file / extra_hosts are appended without duplicates, volumes and devices are merged by
 * their container path, environment / labels / depends_on / networks by name, and command,
 * entrypoint and healthcheck.test are replaced whole. Files must have passed validation.
 */
import { childPath, toPlain, valueOf, type MapEntry, type MapNode, type SeqNode, type SourceNode } from './source-node';

type Merger = (base: SourceNode, over: SourceNode) => SourceNode;

/** Mappings merge recursively; an empty (null) override keeps the base; anything else replaces. */
const deep: Merger = (base, over) => {
  if (base.kind === 'map' && over.kind === 'map') return mergeMap(base, over, () => deep);
  if (over.kind === 'scalar' && over.value === null && base.kind === 'map') return base;
  return over;
};

function mergeMap(base: MapNode, over: MapNode, strategy: (key: string) => Merger): MapNode {
  const overByKey = new Map(over.entries.map((e) => [e.key, e]));
  const entries: MapEntry[] = base.entries.map((e) => {
    const o = overByKey.get(e.key);
    return o ? { ...e, value: strategy(e.key)(e.value, o.value) } : e;
  });
  const baseKeys = new Set(base.entries.map((e) => e.key));
  for (const e of over.entries) if (!baseKeys.has(e.key)) entries.push(e);
  return { ...base, entries };
}

const fingerprint = (node: SourceNode) => JSON.stringify(toPlain(node));

const appendUnique: Merger = (base, over) => {
  if (base.kind !== 'seq' || over.kind !== 'seq') return over;
  const seen = new Set(base.items.map(fingerprint));
  return { ...base, items: [...base.items, ...over.items.filter((i) => !seen.has(fingerprint(i)))] };
};

/** Items with the same key (the container path) replace the base's in place; others are appended. */
function byKey(keyOf: (item: SourceNode) => string | null): Merger {
  return (base, over) => {
    if (base.kind !== 'seq' || over.kind !== 'seq') return over;
    const items = [...base.items];
    for (const item of over.items) {
      const key = keyOf(item);
      const at = key === null ? -1 : items.findIndex((i) => keyOf(i) === key);
      if (at === -1) items.push(item);
      else items[at] = item;
    }
    return { ...base, items };
  };
}

/** A volume's or device's container path, from either syntax. */
function containerPath(targetIndex: number, longKey: string, fallbackKey?: string): (item: SourceNode) => string | null {
  return (item) => {
    if (item.kind === 'scalar' && typeof item.value === 'string') {
      const parts = item.value.split(':');
      return parts.length === 1 ? parts[0]! : (parts[targetIndex] ?? null);
    }
    if (item.kind !== 'map') return null;
    const target = valueOf(item, longKey) ?? (fallbackKey ? valueOf(item, fallbackKey) : undefined);
    return target?.kind === 'scalar' && typeof target.value === 'string' ? target.value : null;
  };
}

/** A different log driver takes its own options: replace the whole block then, as docker compose does. */
const logging: Merger = (base, over) => {
  const driver = (n: SourceNode) => {
    const d = n.kind === 'map' ? valueOf(n, 'driver') : undefined;
    return d?.kind === 'scalar' ? d.value : null;
  };
  const [a, b] = [driver(base), driver(over)];
  return a !== null && b !== null && a !== b ? over : deep(base, over);
};

const replace: Merger = (_base, over) => over;

const SERVICE_STRATEGIES: Record<string, Merger> = {
  command: replace,
  entrypoint: replace,
  ports: appendUnique,
  cap_add: appendUnique,
  cap_drop: appendUnique,
  profiles: appendUnique,
  env_file: appendUnique,
  extra_hosts: appendUnique,
  volumes: byKey(containerPath(1, 'target')),
  devices: byKey(containerPath(1, 'target', 'source')),
  logging,
};

const mergeService: Merger = (base, over) => {
  if (base.kind !== 'map' || over.kind !== 'map') return over;
  return mergeMap(base, over, (key) => SERVICE_STRATEGIES[key] ?? deep);
};

const mergeNamed = (each: Merger): Merger => (base, over) => (base.kind === 'map' && over.kind === 'map' ? mergeMap(base, over, () => each) : deep(base, over));

const TOP_STRATEGIES: Record<string, Merger> = { services: mergeNamed(mergeService), networks: mergeNamed(deep), volumes: mergeNamed(deep) };

function scalar(at: SourceNode['at'], value: string | null): SourceNode {
  return { kind: 'scalar', value, at };
}

/** `[KEY=value, KEY]` → `{ KEY: value, KEY: null }`, so lists and mappings merge by name alike. */
function keyValueListToMap(node: SourceNode): SourceNode {
  if (node.kind !== 'seq') return node;
  const entries = new Map<string, MapEntry>();
  for (const item of node.items) {
    const text = String(toPlain(item));
    const eq = text.indexOf('=');
    const key = eq === -1 ? text : text.slice(0, eq);
    entries.set(key, { key, keyAt: item.at, value: scalar(item.at, eq === -1 ? null : text.slice(eq + 1)) });
  }
  return { kind: 'map', entries: [...entries.values()], at: node.at };
}

/** `[a, b]` → `{ a: null, b: null }` (depends_on, networks). */
function namesToMap(node: SourceNode): SourceNode {
  if (node.kind !== 'seq') return node;
  return { kind: 'map', entries: node.items.map((i) => ({ key: String(toPlain(i)), keyAt: i.at, value: scalar(i.at, null) })), at: node.at };
}

/** `{ host: ip | [ip, …] }` → `["host:ip", …]`. */
function hostsToList(node: SourceNode): SourceNode {
  if (node.kind !== 'map') return node;
  const items: SourceNode[] = [];
  for (const e of node.entries) {
    const ips = e.value.kind === 'seq' ? e.value.items : [e.value];
    ips.forEach((ip, i) => items.push(scalar({ ...ip.at, path: e.value.kind === 'seq' ? childPath(e.keyAt.path, i) : e.keyAt.path }, `${e.key}:${String(toPlain(ip))}`)));
  }
  return { kind: 'seq', items, at: node.at } satisfies SeqNode;
}

const CANONICAL: Record<string, (node: SourceNode) => SourceNode> = {
  environment: keyValueListToMap,
  labels: keyValueListToMap,
  depends_on: namesToMap,
  networks: namesToMap,
  extra_hosts: hostsToList,
};

/** One spelling per key, so merging and normalizing never meet the list and mapping forms of one thing. */
function canonicalService(node: SourceNode): SourceNode {
  if (node.kind !== 'map') return node;
  return { ...node, entries: node.entries.map((e) => (CANONICAL[e.key] ? { ...e, value: CANONICAL[e.key]!(e.value) } : e)) };
}

function canonicalFile(root: MapNode): MapNode {
  const services = valueOf(root, 'services');
  if (services?.kind !== 'map') return root;
  const canonical: MapNode = { ...services, entries: services.entries.map((e) => ({ ...e, value: canonicalService(e.value) })) };
  return { ...root, entries: root.entries.map((e) => (e.key === 'services' ? { ...e, value: canonical } : e)) };
}

/** The files merged in order; every value keeps the place of the file that set it. */
export function mergeComposeFiles(files: MapNode[]): MapNode {
  const [first, ...rest] = files.map(canonicalFile);
  if (!first) throw new Error('mergeComposeFiles needs at least one file');
  return rest.reduce((base, over) => mergeMap(base, over, (key) => TOP_STRATEGIES[key] ?? deep), first);
}
