/**
 * The loader's own YAML tree: plain values plus, on every node, where it came from (file, path,
 * line, column). Files are merged as these trees, so an error found after merging still points
 * into the file that wrote the offending value.
 */

export interface Place {
  file: string;
  /** e.g. `services.web.ports[0]`, as written in that file. */
  path: string;
  /** 1-based. */
  line: number;
  column: number;
}

export type ScalarValue = string | number | boolean | null;

export interface ScalarNode {
  kind: 'scalar';
  value: ScalarValue;
  at: Place;
}

export interface MapEntry {
  key: string;
  keyAt: Place;
  value: SourceNode;
}

export interface MapNode {
  kind: 'map';
  entries: MapEntry[];
  at: Place;
}

export interface SeqNode {
  kind: 'seq';
  items: SourceNode[];
  at: Place;
}

export type SourceNode = ScalarNode | MapNode | SeqNode;

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `services` + `web` → `services.web`; keys with dots or spaces are quoted so the path stays unambiguous. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const part = PLAIN_KEY.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!parent) return part;
  return part.startsWith('[') ? `${parent}${part}` : `${parent}.${part}`;
}

export function entryOf(map: MapNode, key: string): MapEntry | undefined {
  return map.entries.find((e) => e.key === key);
}

export function valueOf(map: MapNode, key: string): SourceNode | undefined {
  return entryOf(map, key)?.value;
}

/** The node as plain data (what `yaml.parse` would give), for code that no longer needs places. */
export function toPlain(node: SourceNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toPlain);
  return Object.fromEntries(node.entries.map((e) => [e.key, toPlain(e.value)]));
}

/** How a user would name the node's type in an error message. */
export function describeNode(node: SourceNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  const v = node.value;
  if (v === null) return 'empty (null)';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  return `a ${typeof v} (${String(v)})`;
}
