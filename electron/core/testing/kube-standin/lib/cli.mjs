/**
 * What kubeadm and kubectl share as command-line programs: pflag-style flag parsing (cobra's
 * "unknown flag" errors), the installed-package check, the root check, and a main() that records
 * every call with its exit code before the process ends.
 */
import { readFileSync } from 'node:fs';
import { finish, packagesState } from './record.mjs';

export const out = (s = '') => process.stdout.write(`${s}\n`);
export const err = (s = '') => process.stderr.write(`${s}\n`);

/** Thrown to end the tool with `code` after printing `message` (if any) to stderr. */
export class Exit extends Error {
  constructor(code, message = '') {
    super(message);
    this.code = code;
  }
}

export const fail = (code, message = '') => {
  throw new Exit(code, message);
};

/** Runs `fn(args)`; its return value (or an Exit) is the exit code; every call is recorded. */
export function main(tool, fn) {
  const args = process.argv.slice(2);
  Promise.resolve()
    .then(() => fn(args))
    .then(
      (code) => finish(tool, args, typeof code === 'number' ? code : 0),
      (e) => {
        if (e instanceof Exit) {
          if (e.message) err(e.message);
          finish(tool, args, e.code);
        }
        err(`${tool} (stand-in) crashed: ${e?.stack ?? e}`);
        finish(tool, args, 1);
      },
    );
}

/**
 * pflag parsing. spec: { values: Set of flags taking a value, bools: Set of boolean flags,
 * short: { o: 'output', ... } }. Returns { positional, flags } with flags[name] = string | true,
 * or an array for repeated value flags. Unknown flags fail the way cobra does.
 */
export function parseFlags(args, spec, usageHint) {
  const positional = [];
  const flags = {};
  const set = (name, value) => {
    if (flags[name] === undefined) flags[name] = value;
    else flags[name] = [].concat(flags[name], value);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    let name;
    let value;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      value = eq < 0 ? undefined : a.slice(eq + 1);
    } else {
      const letter = a[1];
      name = spec.short?.[letter];
      if (!name) fail(1, `error: unknown shorthand flag: '${letter}' in ${a}${usageHint ? `\n${usageHint}` : ''}`);
      value = a.length > 2 ? a.slice(2).replace(/^=/, '') : undefined;
    }
    if (spec.values?.has(name)) {
      if (value === undefined) {
        if (i + 1 >= args.length) fail(1, `error: flag needs an argument: --${name}${usageHint ? `\n${usageHint}` : ''}`);
        value = args[++i];
      }
      set(name, value);
    } else if (spec.bools?.has(name)) {
      set(name, value === undefined ? true : value !== 'false');
    } else {
      fail(1, `error: unknown flag: --${name}${usageHint ? `\n${usageHint}` : ''}`);
    }
  }
  return { positional, flags };
}

/** The last value of a flag that may have been given several times. */
export const last = (v) => (Array.isArray(v) ? v[v.length - 1] : v);

/** The installed kube version ('v1.34.1'), or null when apt has not installed the package. */
export function installedVersion(pkg) {
  const state = packagesState();
  const v = state.packages?.[pkg];
  return v ? `v${v.split('-')[0]}` : null;
}

/** Reads a file or fails the way kubeadm does for an unreadable --config. */
export function readConfigFile(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    fail(1, `unable to read config from "${path}" : open ${path}: ${why}\nTo see the stack trace of this error execute with --v=5 or higher`);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
