/**
 * Reads .env and env_file text the way docker compose does: `KEY=value` lines, `#` comments,
 * an optional `export ` prefix, single quotes (literal), double quotes (escapes, may span lines)
 * and unquoted values (trimmed, ` #` starts a comment). Values may refer to variables; which
 * ones are expanded is recorded here and done by the caller, which knows the lookup.
 */
import type { Issues } from './issues';

export interface EnvEntry {
  key: string;
  /** Null for a bare `KEY` line: take the value from the stack's variables, if any. */
  value: string | null;
  /** 1-based line of the key. */
  line: number;
  column: number;
  /** False for single-quoted values, which docker compose never interpolates. */
  interpolate: boolean;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '\\$' };

/** Parses every line it can; each line it cannot read is one error naming the line. */
export function parseEnvFile(file: string, text: string, issues: Issues): EnvEntry[] {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const entries: EnvEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const trimmed = raw.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = raw.length - trimmed.length;
    const body = trimmed.startsWith('export ') ? trimmed.slice(7).trimStart() : trimmed;
    const column = indent + (trimmed.length - body.length) + 1;
    const at = { file, path: '', line: lineNo, column };
    const eq = body.indexOf('=');
    const key = (eq === -1 ? body : body.slice(0, eq)).trim();
    if (!KEY.test(key)) {
      issues.error(at, `${file} line ${lineNo} is not KEY=value (${JSON.stringify(raw.trim().slice(0, 40))}): fix or remove the line, or start it with # to make it a comment.`);
      continue;
    }
    const atKey = { ...at, path: key };
    if (eq === -1) {
      entries.push({ key, value: null, line: lineNo, column, interpolate: false });
      continue;
    }
    const rest = body.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      const read = readQuoted(lines, i, raw.length - rest.length, quote);
      if (!read) {
        issues.error(atKey, `${file} line ${lineNo}: the value of ${key} opens a ${quote} quote that is never closed: close it.`);
        break; // everything after an unclosed quote belongs to it
      }
      const trailing = read.after.trim();
      if (trailing && !trailing.startsWith('#')) {
        issues.error(atKey, `${file} line ${lineNo}: unexpected text after the quoted value of ${key}: remove it or start it with #.`);
      }
      entries.push({ key, value: read.value, line: lineNo, column, interpolate: quote === '"' });
      i = read.endLine;
      continue;
    }
    entries.push({ key, value: rest.replace(/\s+#.*$/, '').trim(), line: lineNo, column, interpolate: true });
  }
  return entries;
}

/**
 * A quoted value starting at lines[start][offset] (the quote). Double quotes take escapes; an
 * escaped `\$` becomes `$$`, which the interpolator turns into a literal `$`. Null when unclosed.
 */
function readQuoted(lines: string[], start: number, offset: number, quote: string): { value: string; after: string; endLine: number } | null {
  let value = '';
  for (let ln = start; ln < lines.length; ln++) {
    const text = lines[ln]!;
    let j = ln === start ? offset + 1 : 0;
    while (j < text.length) {
      const c = text[j]!;
      if (c === quote) return { value, after: text.slice(j + 1), endLine: ln };
      if (quote === '"' && c === '\\' && j + 1 < text.length) {
        const next = text[j + 1]!;
        const escaped = DOUBLE_QUOTE_ESCAPES[next];
        value += escaped === '\\$' ? '$$' : (escaped ?? `\\${next}`);
        j += 2;
        continue;
      }
      value += c;
      j += 1;
    }
    value += '\n';
  }
  return null;
}
