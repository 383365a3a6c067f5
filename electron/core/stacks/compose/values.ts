/**
 * Parsers for compose's scalar formats: durations (`1m30s`), byte sizes (`512m`), CPU counts,
 * restart policies, booleans and integers written as strings (interpolated values are strings).
 * Each returns the value or the reason it is not one; validation reports the reason with the
 * place, normalization uses the value.
 */
import type { RestartPolicy } from './model';
import type { ScalarValue } from './source-node';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;

/** Go's time.ParseDuration, which docker compose uses: `1h2m3.5s`, `500ms`, `0`. Nanoseconds. */
export function parseDuration(text: string): Parsed<number> {
  const s = text.trim();
  if (s === '0') return ok(0);
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let pos = 0;
  for (let m = DURATION_PART.exec(s); m; m = DURATION_PART.exec(s)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    pos = DURATION_PART.lastIndex;
  }
  if (s === '' || pos !== s.length) return fail(`"${text}" is not a duration: write it like 30s, 1m30s, 500ms or 2h`);
  return ok(Math.round(total));
}

const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
const BYTES = /^(\d+(?:\.\d+)?)\s?([kmgtp]?)i?b?$/i;

/** docker's RAMInBytes: `512m`, `1.5g`, `100kb`, `1024` (binary units). A YAML number is bytes. */
export function parseBytes(value: ScalarValue): Parsed<number> {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return ok(value);
  const m = typeof value === 'string' ? BYTES.exec(value.trim()) : null;
  if (!m) return fail(`${JSON.stringify(value)} is not a size: write it like 512m, 1g or 1048576 (bytes)`);
  return ok(Math.round(Number(m[1]) * BYTE_UNITS[m[2]!.toLowerCase()]!));
}

/** `0.5` or '1.5' CPUs → Docker's NanoCpus. */
export function parseCpus(value: ScalarValue): Parsed<number> {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d*\.?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return fail(`${JSON.stringify(value)} is not a CPU count: write a positive number like 0.5 or 2`);
  return ok(Math.round(n * 1e9));
}

/** A whole number, also when it came out of interpolation as a string. */
export function parseInteger(value: ScalarValue, min: number, max: number): Parsed<number> {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) return fail(`${JSON.stringify(value)} is not a whole number`);
  if (n < min || n > max) return fail(`${n} is out of range (${min}–${max})`);
  return ok(n);
}

const TRUE = new Set(['true', 'yes', 'y', 'on']);
const FALSE = new Set(['false', 'no', 'n', 'off']);

/** YAML booleans, and the strings docker compose accepts for them (`"true"`, `"no"`, …). */
export function parseBool(value: ScalarValue): Parsed<boolean> {
  if (typeof value === 'boolean') return ok(value);
  const s = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (TRUE.has(s)) return ok(true);
  if (FALSE.has(s)) return ok(false);
  return fail(`${JSON.stringify(value)} is not true or false`);
}

/** `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N`. */
export function parseRestart(text: string): Parsed<RestartPolicy> {
  const s = text.trim();
  if (s === 'no' || s === 'always' || s === 'unless-stopped') return ok({ name: s });
  const m = /^on-failure(?::(\d+))?$/.exec(s);
  if (m) return ok({ name: 'on-failure', maxRetries: m[1] === undefined ? 0 : Number(m[1]) });
  return fail(`"${text}" is not a restart policy: use no, always, unless-stopped, on-failure or on-failure:N`);
}
