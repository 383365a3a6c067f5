/**
 * Parses YAML (lab.yaml, or a step's front matter) keeping the node tree, so every problem found
 * later — by zod or by the lab rules — can be pointed at a line and column of the author's file.
 * `firstLine` shifts positions for front matter, whose YAML starts on line 2 of the .md file.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node as YamlNode } from 'yaml';
import type { LabIssue } from '../../../../shared/domain/lab';

export type YamlPath = readonly (string | number)[];

export interface Place {
  line: number;
  column: number;
}

export interface YamlSource {
  file: string;
  /** The document as plain data (null for an empty document). */
  value: unknown;
  /** Where the value at `path` is written; a path that is not written gives its nearest written parent. */
  placeOf(path: YamlPath): Place;
  /** Where the key of the last segment of `path` is written (for "unknown field" problems). */
  keyPlaceOf(path: YamlPath): Place;
  /** Where character `index` of the string at `path` is written, as near as the scalar style allows. */
  placeInString(path: YamlPath, index: number): Place;
  issue(place: Place, message: string): LabIssue;
}

/** Far above any real lab file, far below an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export function parseYamlSource(file: string, text: string, firstLine = 1): { source: YamlSource; issues: [] } | { source: null; issues: LabIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const shift = firstLine - 1;
  const issueAt = (p: Place, message: string): LabIssue => ({ file, line: p.line, column: p.column, message });
  if (doc.errors.length > 0) {
    // Only the first error: one slip (an unclosed bracket) makes yaml report several more after it.
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    return { source: null, issues: [issueAt({ line: pos.line + shift, column: pos.col }, syntaxMessage(file, e.code, e.message))] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { source: null, issues: [issueAt({ line: firstLine, column: 1 }, `${file} could not be read as data (${(err as Error).message}): simplify its YAML anchors and aliases.`)] };
  }
  const sourceLines = text.split('\n');
  const toPlace = (offset: number): Place => {
    const { line, col } = lines.linePos(offset);
    return { line: line + shift, column: col };
  };
  const docStart = (): Place => (doc.contents?.range ? toPlace(doc.contents.range[0]) : { line: firstLine, column: 1 });

  const source: YamlSource = {
    file,
    value: value ?? null,
    placeOf(path) {
      const found = walk(doc, path);
      return found.node?.range ? toPlace(found.node.range[0]) : found.keyOffset !== null ? toPlace(found.keyOffset) : docStart();
    },
    keyPlaceOf(path) {
      const parent = walk(doc, path.slice(0, -1));
      const last = path[path.length - 1];
      if (isMap(parent.node)) {
        for (const pair of parent.node.items) {
          if (isScalar(pair.key) && String(pair.key.value) === String(last) && pair.key.range) return toPlace(pair.key.range[0]);
        }
      }
      return this.placeOf(path);
    },
    placeInString(path, index) {
      const { node } = walk(doc, path);
      if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return this.placeOf(path);
      const start = toPlace(node.range[0]);
      const before = node.value.slice(0, index);
      const newlines = before.split('\n').length - 1;
      const col = index - (before.lastIndexOf('\n') + 1);
      if (node.type === Scalar.PLAIN || node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
        if (newlines > 0) return start; // folded over lines: the scalar's start is the honest answer
        return { line: start.line, column: start.column + col + (node.type === Scalar.PLAIN ? 0 : 1) };
      }
      if (node.type === Scalar.BLOCK_LITERAL) {
        // Content line k sits on the k-th line after the `|` header, indented by the block's indent.
        const headerLine = start.line - shift; // 1-based line in `text`
        const line = headerLine + 1 + newlines;
        return { line: line + shift, column: blockIndent(sourceLines, headerLine, node.value) + col + 1 };
      }
      return start;
    },
    issue: issueAt,
  };
  return { source, issues: [] };
}

/** The node at `path`, or the deepest written node on the way (and, for `key:` with no value, the key's offset). */
function walk(doc: Document.Parsed, path: YamlPath): { node: YamlNode | null; keyOffset: number | null } {
  let node = doc.contents as YamlNode | null;
  let keyOffset: number | null = null;
  for (const seg of path) {
    let next: unknown = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair) {
        next = pair.value;
        keyOffset = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : keyOffset;
        // `key:` with nothing after it: point at the key, not at an empty spot after the colon.
        if (!pair.value || (isScalar(pair.value) && pair.value.value === null)) return { node: null, keyOffset };
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    if (next === undefined || next === null) return { node, keyOffset: null };
    node = next as YamlNode;
    keyOffset = null;
  }
  return { node, keyOffset };
}

/** A literal block's indentation: its first non-empty source line minus that line's own leading spaces in the value. */
function blockIndent(sourceLines: string[], headerLine: number, value: string): number {
  const firstValueLine = value.split('\n').find((l) => l.trim() !== '') ?? '';
  const ownLead = firstValueLine.length - firstValueLine.trimStart().length;
  for (let i = headerLine; i < sourceLines.length; i++) {
    const l = sourceLines[i] ?? '';
    if (l.trim() === '') continue;
    return l.length - l.trimStart().length - ownLead;
  }
  return 0;
}

function syntaxMessage(file: string, code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return `a second YAML document starts here (a line ---): ${file} holds one. Remove the extra --- line`;
  if (code === 'DUPLICATE_KEY') return 'this field is written twice in the same mapping: keep one of them';
  if (code === 'BLOCK_AS_IMPLICIT_KEY') return 'a value here contains ": ", which YAML reads as a new field: put the whole value in quotes ("…")';
  if (code === 'TAB_AS_INDENT') return 'YAML does not allow tabs for indentation: indent with spaces';
  if (code === 'MISSING_CHAR' && /quote/.test(message)) return 'a quoted value is never closed (it runs on to here): add the closing quote where the value ends';
  return `YAML syntax error: ${firstSentence(message)}. Fix the YAML here (check the indentation, and quote values that contain ": " or start with a special character)`;
}

/** yaml's messages end with " at line 3, column 5:" and an excerpt; the place is given separately. */
function firstSentence(message: string): string {
  return (message.split(/ at line \d+, column \d+/)[0] ?? message).split('\n')[0]!.trim();
}
