/**
 * Parses one compose file into a SourceNode tree that remembers, for every key and value, its
 * line and column. Syntax errors, duplicate keys, custom tags and alias bombs become issues
 * instead of exceptions, so the editor can mark them.
 *
 * Anchors, aliases and `<<` merge keys are expanded here (compose files use them with `x-*`
 * blocks for shared settings); an expanded value keeps the place of its anchor, its path is
 * the one where it is used.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type Pair } from 'yaml';
import type { Issues } from './issues';
import { childPath, type MapEntry, type Place, type ScalarValue, type SourceNode } from './source-node';

/** Expanded nodes allowed per file: far above any real compose file, far below a "billion laughs". */
const MAX_NODES = 50_000;
const MAX_DEPTH = 64;

class TooLarge extends Error {}

interface Walk {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  issues: Issues;
  count: number;
}

/** Null when the file cannot be read as YAML (the issues say where and why). An empty file is an empty mapping. */
export function parseComposeYaml(file: string, text: string, issues: Issues): SourceNode | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: true });
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    const at = { file, path: '', line: pos.line, column: pos.col };
    // yaml's own words here point at its JavaScript API, not at the file.
    if (e.code === 'MULTIPLE_DOCS') issues.error(at, `${file} holds a second YAML document starting here (after ---): a compose file is one document. Remove the --- and merge the parts, or move the second part to a stack of its own.`);
    else issues.error(at, `YAML syntax error: ${firstSentence(e.message)}. Fix the YAML here.`);
  }
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') continue; // reported as an error with its path below
    const pos = w.linePos?.[0] ?? { line: 1, col: 1 };
    issues.warning({ file, path: '', line: pos.line, column: pos.col }, `YAML: ${firstSentence(w.message)}`);
  }
  if (doc.errors.length > 0) return null;
  const walk: Walk = { file, doc, lines, issues, count: 0 };
  if (doc.contents === null) return { kind: 'map', entries: [], at: { file, path: '', line: 1, column: 1 } };
  try {
    return convert(walk, doc.contents, '', 0, null);
  } catch (err) {
    if (!(err instanceof TooLarge)) throw err;
    issues.error({ file, path: '', line: 1, column: 1 }, `${file} expands to more than ${MAX_NODES} values through YAML aliases (or nests them deeper than ${MAX_DEPTH}): simplify its anchors.`);
    return null;
  }
}

/** yaml's messages end with " at line 3, column 5:" and a code excerpt; the place is given separately. */
function firstSentence(message: string): string {
  return message.split(/ at line \d+, column \d+/)[0]!.split('\n')[0]!.trim();
}

function placeOf(walk: Walk, node: YamlNode | null, path: string, fallback: Place | null): Place {
  const offset = node?.range?.[0];
  if (offset === undefined) return fallback ? { ...fallback, path } : { file: walk.file, path, line: 1, column: 1 };
  const { line, col } = walk.lines.linePos(offset);
  return { file: walk.file, path, line, column: col };
}

function convert(walk: Walk, raw: unknown, path: string, depth: number, keyAt: Place | null): SourceNode {
  if (++walk.count > MAX_NODES || depth > MAX_DEPTH) throw new TooLarge();
  if (isAlias(raw)) {
    const target = raw.resolve(walk.doc);
    if (!target) {
      const at = placeOf(walk, raw, path, keyAt);
      walk.issues.error(at, `${path || 'The document'} refers to an anchor *${raw.source} that is not defined above it: define &${raw.source} first.`);
      return { kind: 'scalar', value: null, at };
    }
    return convert(walk, target, path, depth + 1, keyAt);
  }
  const node = raw as YamlNode | null;
  // A `key:` with nothing after it is a null the user places at the key, not after the colon.
  const emptyNull = !node || (isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1]);
  const at = emptyNull && keyAt ? { ...keyAt, path } : placeOf(walk, node, path, keyAt);
  if (node?.tag && !node.tag.startsWith('tag:yaml.org,2002:')) {
    walk.issues.error(at, `${path || 'The document'} uses the YAML tag ${node.tag}, which Rackpilot does not support: remove the tag and write the value out.`);
  }
  if (!node || isScalar(node)) return { kind: 'scalar', value: scalarValue(node?.value), at };
  if (isSeq(node)) return { kind: 'seq', items: node.items.map((item, i) => convert(walk, item, childPath(path, i), depth + 1, at)), at };
  if (isMap(node)) return { kind: 'map', entries: convertEntries(walk, node.items as Pair[], path, depth), at };
  walk.issues.error(at, `${path || 'The document'} holds a YAML value Rackpilot cannot read: write it as a plain value, list or mapping.`);
  return { kind: 'scalar', value: null, at };
}

function scalarValue(value: unknown): ScalarValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

function keyText(walk: Walk, pair: Pair, parentPath: string): { key: string; keyAt: Place } | null {
  const rawKey = isAlias(pair.key) ? pair.key.resolve(walk.doc) : pair.key;
  const keyNode = (rawKey ?? null) as YamlNode | null;
  const at = placeOf(walk, (pair.key ?? null) as YamlNode | null, parentPath, null);
  if (!isScalar(keyNode) || keyNode.value === null || keyNode.value === undefined) {
    walk.issues.error(at, `${parentPath || 'The document'} has a key that is empty or not a plain value: use a plain name as the key.`);
    return null;
  }
  const key = String(keyNode.value);
  return { key, keyAt: { ...at, path: childPath(parentPath, key) } };
}

/**
 * A mapping's entries in order. `<<: *anchor` (or a list of anchors) pulls in the anchors'
 * entries, unless the mapping itself sets them; among several anchors the first wins (YAML
 * merge-key rules). A key written twice is an error, as in docker compose.
 */
function convertEntries(walk: Walk, pairs: Pair[], path: string, depth: number): MapEntry[] {
  const explicit = new Map<string, Place>();
  const keys = pairs.map((pair) => keyText(walk, pair, path));
  keys.forEach((k) => {
    if (!k || k.key === '<<') return;
    const first = explicit.get(k.key);
    if (first) walk.issues.error(k.keyAt, `${k.keyAt.path} is defined twice (first on line ${first.line}): keep one.`);
    else explicit.set(k.key, k.keyAt);
  });
  const out: MapEntry[] = [];
  const taken = new Set<string>();
  pairs.forEach((pair, i) => {
    const k = keys[i];
    if (!k) return;
    if (k.key === '<<') {
      for (const merged of mergeSources(walk, pair.value, path, depth, k.keyAt)) {
        if (explicit.has(merged.key) || taken.has(merged.key)) continue;
        taken.add(merged.key);
        out.push(merged);
      }
      return;
    }
    if (taken.has(k.key)) return;
    taken.add(k.key);
    out.push({ key: k.key, keyAt: k.keyAt, value: convert(walk, pair.value, k.keyAt.path, depth + 1, k.keyAt) });
  });
  return out;
}

function mergeSources(walk: Walk, value: unknown, path: string, depth: number, keyAt: Place): MapEntry[] {
  // `<<: [*a, *b]`: each anchor's entries land at this mapping's path, not under an index.
  const maps = isSeq(value) ? value.items.map((item) => convert(walk, item, path, depth + 1, keyAt)) : [convert(walk, value, path, depth + 1, keyAt)];
  const entries: MapEntry[] = [];
  for (const m of maps) {
    if (m.kind !== 'map') {
      walk.issues.error(m.at, `${path || 'The document'} merges (<<) something that is not a mapping: merge only anchors of mappings.`);
      continue;
    }
    entries.push(...m.entries);
  }
  return entries;
}
