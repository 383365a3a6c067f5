/**
 * Turns zod's findings about lab.yaml or a step's front matter into LabIssues an author can act
 * on: located at the YAML node the issue is about, naming the field in the file's own words,
 * saying what to write instead.
 */
import type { z } from 'zod';
import { LAB_CHECK_KINDS, type LabIssue } from '../../../../shared/domain/lab';
import type { YamlPath, YamlSource } from './yaml-source';

export interface SchemaContext {
  /** "lab.yaml" or "the front matter": used when the whole document is wrong. */
  documentName: string;
  /** The fields written at `path`'s mapping may be (null: not a mapping the lab format defines). */
  allowedKeys(path: YamlPath, value: unknown): readonly string[] | null;
}

/** What a missing field is for, so "add it" can say what to put there. */
const FIELD_HELP: Record<string, string> = {
  id: 'a short lower-case slug',
  title: 'a short title for the learner',
  summary: 'one or two sentences on what the lab teaches',
  order: 'a whole number: the lab\'s place in the catalog',
  estimatedMinutes: 'how long the lab takes, in minutes',
  nodes: 'the nodes the lab uses as a list of {role, description}; write nodes: [] for none',
  steps: 'the step files in order, e.g. - steps/01-start.md',
  role: 'a short lower-case word the steps use for this node, e.g. web',
  description: 'what this node is for, shown when the learner picks one',
  hint: 'what the learner should look at when the check fails, never the solution itself',
  kind: `one of ${LAB_CHECK_KINDS.join(', ')}`,
  node: 'the role of the node the check looks at',
  from: 'host (this computer) or the role of a node',
  to: 'the role of the node whose port is probed',
  run: 'the shell command to run on the node',
  url: 'the address to request, e.g. http://{{nodes.web.address}}/',
  port: 'a TCP port number',
  path: 'an absolute file path on the node',
  unit: 'a systemd unit name, e.g. nginx.service',
  name: 'the name to look for',
  project: 'the compose project name',
  cluster: 'the name of the Rackpilot cluster',
  state: 'a list of node states, e.g. [installed]',
};

export function schemaIssues(error: z.ZodError, src: YamlSource, ctx: SchemaContext): LabIssue[] {
  const out: LabIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const value = valueAt(src.value, path);
    const field = fieldName(src.value, path);
    if (issue.code === 'unrecognized_keys') {
      const allowed = ctx.allowedKeys(path, valueAt(src.value, path)) ?? [];
      for (const key of issue.keys) {
        const guess = closest(key, allowed);
        const where = path.length === 0 ? ctx.documentName : fieldName(src.value, path);
        out.push(src.issue(src.keyPlaceOf([...path, key]), `unknown field "${key}" in ${where}: ${guess ? `did you mean "${guess}"? ` : ''}remove it or fix its spelling (allowed here: ${allowed.join(', ')})`));
      }
      continue;
    }
    if (path.length === 0 && issue.code === 'invalid_type') {
      const message = value === null || value === undefined ? `${ctx.documentName} is empty: write its fields as YAML (name: value), one per line` : `${ctx.documentName} must be a YAML mapping of fields (name: value), not ${describe(value)}`;
      out.push(src.issue(src.placeOf([]), message));
      continue;
    }
    const missing = value === undefined;
    const place = src.placeOf(path);
    out.push(src.issue(place, messageFor(issue, path, field, value, missing)));
  }
  return out;
}

function messageFor(issue: z.core.$ZodIssue, path: YamlPath, field: string, value: unknown, missing: boolean): string {
  const last = String(path[path.length - 1] ?? '');
  const custom = !/^(Too small|Too big|Invalid input|Invalid option)/.test(issue.message);
  switch (issue.code) {
    case 'invalid_union': {
      if (last === 'kind') {
        if (missing) return `${parentName(field)} has no kind: add "kind:" with one of ${LAB_CHECK_KINDS.join(', ')}`;
        const guess = typeof value === 'string' ? closest(value, LAB_CHECK_KINDS) : null;
        return `unknown check kind ${JSON.stringify(value)}: ${guess ? `did you mean "${guess}"? ` : ''}use one of ${LAB_CHECK_KINDS.join(', ')}`;
      }
      return `${field} is not valid: ${issue.message}`;
    }
    case 'invalid_type':
      if (missing) return `${field} is missing: add "${last}:" (${FIELD_HELP[last] ?? `a ${issue.expected}`})`;
      return `${field} should be ${article(issue.expected)}, not ${describe(value)}: ${fixForType(issue.expected)}`;
    case 'invalid_value':
      return `${field} is ${JSON.stringify(value)}: use one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      if (custom) return `${field}: ${issue.message}`;
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const small = issue.code === 'too_small';
      if (issue.origin === 'string') return `${field} is too ${small ? 'short' : 'long'}: write ${small ? 'at least' : 'at most'} ${String(bound)} characters`;
      if (issue.origin === 'array') return `${field} has too ${small ? 'few' : 'many'} entries: list ${small ? 'at least' : 'at most'} ${String(bound)}`;
      return `${field} is ${String(value)}: it must be ${small ? 'at least' : 'at most'} ${String(bound)}`;
    }
    case 'invalid_format':
      return `${field} ${JSON.stringify(value)} is not valid: ${issue.message}`;
    case 'custom':
      if (issue.message === 'Not a valid regular expression' && typeof value === 'string') {
        return `${field} is not a valid regular expression (${regexError(value)}): fix it, and put a backslash before ( ) [ ] . * + ? when you mean the character itself`;
      }
      return `${field}: ${issue.message}`;
    default:
      return `${field}: ${issue.message}`;
  }
}

function regexError(source: string): string {
  try {
    new RegExp(source, 'm');
    return 'unknown error';
  } catch (err) {
    return (err as Error).message;
  }
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** `check "serving": bodyMatches`, `node "web": description`, `steps[2]`, `title`. */
export function fieldName(root: unknown, path: YamlPath): string {
  const [head, index, ...rest] = path;
  const restName = rest.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i > 0 ? '.' : ''}${s}`)).join('');
  if ((head === 'checks' || head === 'nodes') && typeof index === 'number') {
    const item = valueAt(root, [head, index]) as Record<string, unknown> | undefined;
    const name = head === 'checks' ? item?.id : item?.role;
    const label = typeof name === 'string' && name !== '' ? `${head === 'checks' ? 'check' : 'node'} "${name}"` : `${head === 'checks' ? 'check' : 'node'} ${index + 1}`;
    return restName === '' ? label : `${label}: ${restName}`;
  }
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i > 0 ? '.' : ''}${s}`)).join('') || 'the document';
}

function parentName(field: string): string {
  return field.replace(/: [^:]*$/, '');
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function fixForType(expected: string): string {
  if (expected === 'number') return 'write a plain number, without quotes';
  if (expected === 'boolean') return 'write true or false, without quotes';
  if (expected === 'string') return 'write text (quote it if it looks like a number, a list or true/false)';
  if (expected === 'array') return 'write a list, one "- item" per line';
  if (expected === 'object') return 'write fields (name: value) indented under it';
  return 'fix the value';
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** The allowed word within two edits of `word`, for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}
