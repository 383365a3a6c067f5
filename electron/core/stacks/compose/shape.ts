/**
 * Small combinators for checking a SourceNode tree against the keys and types Rackpilot
 * supports. Each check reports at the node's place with its path; an unknown key is reported at
 * the key, and never ignored.
 */
import type { Issues } from './issues';
import { describeNode, type MapNode, type ScalarValue, type SourceNode } from './source-node';
import { parseBool, parseInteger, type Parsed } from './values';

export type Check = (node: SourceNode, issues: Issues) => void;

function mismatch(node: SourceNode, issues: Issues, expected: string): void {
  issues.error(node.at, `${node.at.path || 'The file'} must be ${expected}, not ${describeNode(node)}.`);
}

export const anything: Check = () => {};

export const string: Check = (node, issues) => {
  if (node.kind !== 'scalar' || typeof node.value !== 'string') mismatch(node, issues, 'a string (quote it if it looks like a number)');
};

/** A scalar read by a parser; the parser's reason becomes the message. */
export function scalarOf(parse: (value: ScalarValue) => Parsed<unknown>, expected: string): Check {
  return (node, issues) => {
    if (node.kind !== 'scalar' || node.value === null) return mismatch(node, issues, expected);
    const parsed = parse(node.value);
    if (!parsed.ok) issues.error(node.at, `${node.at.path}: ${parsed.error}.`);
  };
}

/** A string read by a parser (ports, volumes, durations, restart policies). */
export function stringOf(parse: (value: string) => Parsed<unknown>, expected: string): Check {
  return (node, issues) => {
    if (node.kind !== 'scalar' || typeof node.value !== 'string') return mismatch(node, issues, expected);
    const parsed = parse(node.value);
    if (!parsed.ok) issues.error(node.at, `${node.at.path}: ${parsed.error}.`);
  };
}

export const boolean = scalarOf(parseBool, 'true or false');

export function integer(min: number, max: number): Check {
  return scalarOf((v) => parseInteger(v, min, max), 'a whole number');
}

export function enumOf(values: readonly string[]): Check {
  return stringOf((s) => (values.includes(s) ? { ok: true, value: s } : { ok: false, error: `"${s}" is not one of ${values.join(', ')}` }), `one of ${values.join(', ')}`);
}

export function listOf(item: Check): Check {
  return (node, issues) => {
    if (node.kind !== 'seq') return mismatch(node, issues, 'a list');
    node.items.forEach((i) => item(i, issues));
  };
}

/** A mapping with keys of the user's choosing (environment, labels, driver_opts). */
export function mapOf(value: Check): Check {
  return (node, issues) => {
    if (node.kind !== 'map') return mismatch(node, issues, 'a mapping');
    node.entries.forEach((e) => value(e.value, issues));
  };
}

export interface Alternatives {
  string?: Check;
  number?: Check;
  boolean?: Check;
  null?: Check;
  list?: Check;
  map?: Check;
}

/** Dispatches on the node's kind; a kind with no case is a type error naming what is expected. */
export function oneOf(cases: Alternatives, expected: string): Check {
  return (node, issues) => {
    const kind = node.kind === 'seq' ? 'list' : node.kind === 'map' ? 'map' : node.value === null ? 'null' : (typeof node.value as 'string' | 'number' | 'boolean');
    const check = cases[kind];
    if (check) check(node, issues);
    else mismatch(node, issues, expected);
  };
}

export interface FieldOptions {
  required?: string[];
  /** Cross-field rules, run when the keys themselves are fine. */
  refine?: (map: MapNode, issues: Issues) => void;
  /** Keys of the compose spec that Rackpilot does not support, with what to do instead. */
  hints?: Readonly<Record<string, string>>;
  /** Every key the compose spec knows here; others are typos, not missing features. */
  specKeys?: ReadonlySet<string>;
  /** `null` allowed in place of the mapping (e.g. `networks: { back: }`). */
  nullable?: boolean;
}

/** A mapping whose keys are compose attributes: only the listed ones (and `x-*`) are allowed. */
export function fields(spec: Readonly<Record<string, Check>>, options: FieldOptions = {}): Check {
  const supported = Object.keys(spec);
  return (node, issues) => {
    if (options.nullable && node.kind === 'scalar' && node.value === null) return;
    if (node.kind !== 'map') return mismatch(node, issues, 'a mapping');
    let clean = true;
    for (const e of node.entries) {
      if (e.key.startsWith('x-')) continue;
      const check = spec[e.key];
      if (check) check(e.value, issues);
      else {
        clean = false;
        issues.error(e.keyAt, unsupportedKey(e.keyAt.path, e.key, supported, options));
      }
    }
    for (const key of options.required ?? []) {
      if (!node.entries.some((e) => e.key === key)) {
        clean = false;
        issues.error(node.at, `${node.at.path} needs ${key}: add it.`);
      }
    }
    if (clean && options.refine) options.refine(node, issues);
  };
}

function unsupportedKey(path: string, key: string, supported: string[], options: FieldOptions): string {
  const hint = options.hints?.[key];
  if (hint) return `${path} is not supported by Rackpilot (yet): ${hint}.`;
  const known = options.specKeys?.has(key) ?? false;
  const close = known ? undefined : closest(key, supported);
  if (close) return `${path} is not a compose key here: did you mean ${close}?`;
  if (known || !options.specKeys) return `${path} is not supported by Rackpilot (yet): remove it to deploy this stack with Rackpilot.`;
  return `${path} is not a compose key: remove it (extension keys start with x-).`;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
