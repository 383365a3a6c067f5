/**
 * Where `${VAR}` values come from: the stack's variables (Rackpilot's stand-in for the shell
 * environment of docker compose) override the stack's `.env`. Values in .env and env_files may
 * themselves use variables defined above them or set for the stack.
 */
import { parseEnvFile, type EnvEntry } from './env-file';
import { interpolate, reportProblem, type Lookup } from './interpolate';
import type { Issues } from './issues';

export const DOTENV_FILE = '.env';

/**
 * Expands an env file's entries in order. `outerFirst`: the outer lookup wins over the file's own
 * earlier keys (.env, under the stack's variables); otherwise the file's own keys win (env_file,
 * whose keys become the container's environment).
 */
export function resolveEnvEntries(file: string, entries: EnvEntry[], outer: Lookup, outerFirst: boolean, issues: Issues): Map<string, string> {
  const local = new Map<string, string>();
  const lookup: Lookup = (name) => (outerFirst ? (outer(name) ?? local.get(name)) : (local.get(name) ?? outer(name)));
  for (const entry of entries) {
    if (entry.value === null) {
      // A bare KEY passes the variable through, as docker compose does with the shell's.
      const passed = outer(entry.key);
      if (passed !== undefined) local.set(entry.key, passed);
      continue;
    }
    if (!entry.interpolate) {
      local.set(entry.key, entry.value);
      continue;
    }
    const { value, problems } = interpolate(entry.value, lookup);
    const at = { file, path: entry.key, line: entry.line, column: entry.column };
    for (const p of problems) reportProblem(issues, at, `${file} line ${entry.line}`, p);
    local.set(entry.key, value);
  }
  return local;
}

/** The lookup for interpolating compose files: variables, then .env. */
export function projectLookup(envText: string, variables: Record<string, string>, issues: Issues): Lookup {
  const fromVariables: Lookup = (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined);
  const dotenv = resolveEnvEntries(DOTENV_FILE, parseEnvFile(DOTENV_FILE, envText, issues), fromVariables, true, issues);
  return (name) => fromVariables(name) ?? dotenv.get(name);
}
