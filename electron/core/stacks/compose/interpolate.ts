/**
 * Variable interpolation with docker compose's syntax: `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}`, and `$$`
 * for a literal `$`. Defaults and alternatives may themselves hold variables; they are only
 * expanded when used, so a missing variable inside an unused default is no problem.
 *
 * Like docker compose: an unset variable without a default becomes '' with a warning; a `$` not
 * followed by a name, `{` or `$` is an error (it usually is a password that needs `$$`).
 */
import type { Issues } from './issues';
import type { SourceNode } from './source-node';

export type Lookup = (name: string) => string | undefined;

export type InterpolationProblem =
  | { kind: 'unset'; name: string }
  | { kind: 'required'; name: string; message: string }
  | { kind: 'syntax'; message: string };

export interface Interpolated {
  value: string;
  problems: InterpolationProblem[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/;

export function interpolate(text: string, lookup: Lookup): Interpolated {
  const problems: InterpolationProblem[] = [];
  return { value: expand(text, lookup, problems), problems };
}

function expand(text: string, lookup: Lookup, problems: InterpolationProblem[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar === -1) return out + text.slice(i);
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const close = closingBrace(text, dollar + 2);
      if (close === -1) {
        problems.push({ kind: 'syntax', message: `"${text.slice(dollar, dollar + 30)}" opens \${ without a closing }` });
        return out + text.slice(dollar);
      }
      out += braced(text.slice(dollar + 2, close), lookup, problems);
      i = close + 1;
    } else {
      const name = NAME.exec(text.slice(dollar + 1))?.[0];
      if (name) {
        out += variable(name, lookup, problems);
        i = dollar + 1 + name.length;
      } else {
        problems.push({ kind: 'syntax', message: `"$" must be followed by a variable name, "{" or another "$" (in ${JSON.stringify(text.slice(Math.max(0, dollar - 10), dollar + 10))})` });
        out += '$';
        i = dollar + 1;
      }
    }
  }
  return out;
}

/** Index of the `}` closing a `${` whose body starts at `from`, skipping nested `${…}` and `$$`; -1 if none. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (c === '$' && (text[j + 1] === '$' || text[j + 1] === '{')) {
      if (text[j + 1] === '{') depth++;
      j++;
    } else if (c === '}') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

function variable(name: string, lookup: Lookup, problems: InterpolationProblem[]): string {
  const value = lookup(name);
  if (value === undefined) problems.push({ kind: 'unset', name });
  return value ?? '';
}

function braced(body: string, lookup: Lookup, problems: InterpolationProblem[]): string {
  const m = BRACED.exec(body);
  if (!m) {
    problems.push({ kind: 'syntax', message: `"\${${body}}" is not a valid variable reference (a name of letters, digits and _, optionally followed by :-, -, :?, ?, :+ or +)` });
    return '';
  }
  const [, name, op, word = ''] = m as unknown as [string, string, string | undefined, string | undefined];
  const value = lookup(name);
  const isSet = value !== undefined;
  const nonEmpty = isSet && value !== '';
  switch (op) {
    case undefined:
      return variable(name, lookup, problems);
    case ':-':
      return nonEmpty ? value : expand(word, lookup, problems);
    case '-':
      return isSet ? value : expand(word, lookup, problems);
    case ':?':
    case '?':
      if (op === ':?' ? !nonEmpty : !isSet) problems.push({ kind: 'required', name, message: expand(word, lookup, problems) });
      return value ?? '';
    case ':+':
      return nonEmpty ? expand(word, lookup, problems) : '';
    default: // '+'
      return isSet ? expand(word, lookup, problems) : '';
  }
}

/** Turns one problem into the issue docker compose would print, placed at the value. */
export function reportProblem(issues: Issues, at: { file: string; path: string; line: number | null; column: number | null }, where: string, p: InterpolationProblem): void {
  if (p.kind === 'unset') {
    issues.warning(at, `The "${p.name}" variable is not set (${where}). Defaulting to a blank string: set ${p.name} in .env or the stack's variables.`);
  } else if (p.kind === 'required') {
    const detail = p.message ? `: ${p.message}` : '';
    issues.error(at, `Required variable ${p.name} is missing a value (${where})${detail}. Set ${p.name} in .env or the stack's variables.`);
  } else {
    issues.error(at, `Invalid interpolation in ${where}: ${p.message}. Write $$ for a literal $.`);
  }
}

/**
 * Interpolates every string value in the tree (keys stay as written, as in docker compose) and
 * returns the new tree; problems are reported at the value's place.
 */
export function interpolateTree(node: SourceNode, lookup: Lookup, issues: Issues): SourceNode {
  if (node.kind === 'map') return { ...node, entries: node.entries.map((e) => ({ ...e, value: interpolateTree(e.value, lookup, issues) })) };
  if (node.kind === 'seq') return { ...node, items: node.items.map((item) => interpolateTree(item, lookup, issues)) };
  if (typeof node.value !== 'string' || !node.value.includes('$')) return node;
  const { value, problems } = interpolate(node.value, lookup);
  for (const p of problems) reportProblem(issues, node.at, node.at.path || 'the document', p);
  return { ...node, value };
}
