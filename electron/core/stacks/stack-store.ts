/**
 * The stack store (issue 6 §5): each stack is a folder `<dataDir>/stacks/<nodeId>/<name>/` with
 * the files docker compose reads (compose.yaml, its override files, .env), Rackpilot's own
 * settings (rackpilot.json: variables, profiles, the overrides' order, which variables are
 * secret) and `history/<n>/`, a copy of the files
 * applied as version n with its meta. Every file is written to a temporary name, flushed and
 * renamed into place, and a history version appears in one rename, so a crash leaves either the
 * old or the new file — never a torn one, never a lost stack.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MAIN_COMPOSE_FILE, overrideFileNameSchema, stackFilesSchema, stackNameSchema, type StackFiles, type StackVersion } from '../../../shared/domain/stack';
import { ErrorCode, RackpilotError } from '../../../shared/errors';

export const COMPOSE_FILE = MAIN_COMPOSE_FILE;
export const ENV_FILE = '.env';
const SETTINGS_FILE = 'rackpilot.json';
const META_FILE = 'meta.json';
const HISTORY = 'history';

/** A stack as stored: its files, and the names of variables whose values must never be shown. */
export interface StoredStack {
  files: StackFiles;
  secrets: string[];
}

const settingsSchema = z.object({
  variables: stackFilesSchema.shape.variables,
  profiles: stackFilesSchema.shape.profiles,
  /** The override files' names in merge order; folders written before overrides existed have none. */
  overrides: z.array(overrideFileNameSchema).default([]),
  secrets: z.array(z.string()).default([]),
});

const metaSchema = z.object({ version: z.number().int().positive(), appliedAt: z.string(), digest: z.string(), summary: z.string() });

/** Node ids become folder names: only plain segments, never `..` or a slash. */
const NODE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class StackStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'stacks');
  }

  /** The stack's folder (it may not exist yet). */
  folder(nodeId: string, name: string): string {
    return join(this.nodeFolder(nodeId), checkName(name));
  }

  exists(nodeId: string, name: string): boolean {
    return existsSync(join(this.folder(nodeId, name), COMPOSE_FILE));
  }

  /** Names of the stacks stored for a node, sorted. */
  list(nodeId: string): string[] {
    const dir = this.nodeFolder(nodeId);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && stackNameSchema.safeParse(e.name).success && existsSync(join(dir, e.name, COMPOSE_FILE)))
      .map((e) => e.name)
      .sort();
  }

  /** The stack's current files, or null when it is not stored. */
  read(nodeId: string, name: string): StoredStack | null {
    const dir = this.folder(nodeId, name);
    if (!existsSync(join(dir, COMPOSE_FILE))) return null;
    return readStackFolder(dir, `stack ${name}`);
  }

  /** Writes the current files; the folder is made private because variables may hold passwords. */
  write(nodeId: string, name: string, stack: StoredStack): void {
    const dir = this.folder(nodeId, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeStackFolder(dir, stack);
  }

  versions(nodeId: string, name: string): StackVersion[] {
    const dir = join(this.folder(nodeId, name), HISTORY);
    if (!existsSync(dir)) return [];
    const out: StackVersion[] = [];
    for (const n of versionNumbers(dir)) {
      const meta = metaSchema.safeParse(readJson(join(dir, String(n), META_FILE)));
      if (meta.success) out.push(meta.data);
    }
    return out;
  }

  /** The newest applied version, or null when the stack was never applied from Rackpilot. */
  latestVersion(nodeId: string, name: string): StackVersion | null {
    return this.versions(nodeId, name).at(-1) ?? null;
  }

  /** The files applied as `version`; a rollback plans and applies these. */
  readVersion(nodeId: string, name: string, version: number): StoredStack {
    const dir = join(this.folder(nodeId, name), HISTORY, String(version));
    if (!existsSync(join(dir, META_FILE))) {
      const known = this.versions(nodeId, name).map((v) => v.version);
      throw new RackpilotError(
        ErrorCode.NotFound,
        `Stack ${name} has no version ${version}${known.length ? ` (versions: ${known.join(', ')})` : ' (it was never applied)'}. Pick a version from its history.`,
      );
    }
    return readStackFolder(dir, `version ${version} of stack ${name}`);
  }

  /**
   * Records `stack` as the next applied version. The copy is built under a temporary name and
   * renamed in one step, so a half-written version never shows up in the history.
   */
  recordVersion(nodeId: string, name: string, stack: StoredStack, summary: string, appliedAt = new Date()): StackVersion {
    const history = join(this.folder(nodeId, name), HISTORY);
    mkdirSync(history, { recursive: true, mode: 0o700 });
    const version = (versionNumbers(history).at(-1) ?? 0) + 1;
    const staging = join(history, `.tmp-${version}-${randomBytes(4).toString('hex')}`);
    mkdirSync(staging, { mode: 0o700 });
    try {
      writeStackFolder(staging, stack);
      const meta: StackVersion = { version, appliedAt: appliedAt.toISOString(), digest: stackDigest(stack.files), summary };
      writeFileAtomic(join(staging, META_FILE), JSON.stringify(meta, null, 2) + '\n', 0o600);
      renameSync(staging, join(history, String(version)));
      return meta;
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw err;
    }
  }

  /** Deletes the folder and its history. Renamed aside first, so a crash mid-delete leaves no half stack. */
  remove(nodeId: string, name: string): void {
    const dir = this.folder(nodeId, name);
    if (!existsSync(dir)) return;
    const trash = join(this.nodeFolder(nodeId), `.removed-${name}-${randomBytes(4).toString('hex')}`);
    renameSync(dir, trash);
    rmSync(trash, { recursive: true, force: true });
  }

  private nodeFolder(nodeId: string): string {
    if (!NODE_SEGMENT.test(nodeId)) {
      throw new RackpilotError(ErrorCode.Validation, `"${nodeId}" is not a node id Rackpilot can store stacks for. Pick the node from the list.`);
    }
    return join(this.root, nodeId);
  }
}

/**
 * sha256 over everything that decides what runs: compose, its overrides, .env, variables and
 * profiles. Overrides count only when there are some, so versions recorded before they existed
 * keep their digest.
 */
export function stackDigest(files: StackFiles): string {
  const variables = Object.fromEntries(Object.entries(files.variables).sort(([a], [b]) => a.localeCompare(b)));
  const h = createHash('sha256');
  const overrides = files.overrides.length ? { overrides: files.overrides.map((o) => [o.name, o.content]) } : {};
  h.update(JSON.stringify({ compose: files.compose, env: files.env, variables, profiles: files.profiles, ...overrides }));
  return h.digest('hex');
}

function checkName(name: string): string {
  const parsed = stackNameSchema.safeParse(name);
  if (!parsed.success) throw new RackpilotError(ErrorCode.Validation, `"${name}" is not a valid stack name: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return parsed.data;
}

/** The RPC checks names already; this guards the folder against any other caller (no `../`). */
function checkOverrideName(name: string): string {
  const parsed = overrideFileNameSchema.safeParse(name);
  if (!parsed.success) throw new RackpilotError(ErrorCode.Validation, `"${name}" is not a valid override file name: ${parsed.error.issues[0]?.message ?? 'invalid'}. Rename it.`);
  return parsed.data;
}

function versionNumbers(historyDir: string): number[] {
  return readdirSync(historyDir)
    .filter((n) => /^[1-9][0-9]*$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

function readStackFolder(dir: string, what: string): StoredStack {
  const compose = readFileSync(join(dir, COMPOSE_FILE), 'utf8');
  const envPath = join(dir, ENV_FILE);
  const env = existsSync(envPath) ? readFileSync(envPath, 'utf8') : '';
  const settings = readSettings(dir, what);
  const { variables, profiles, secrets } = settings;
  const overrides = settings.overrides.map((name) => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      throw new RackpilotError(ErrorCode.StoreCorrupt, `The override file ${name} of ${what} is missing (${path}). Restore it, or remove "${name}" from the overrides in ${join(dir, SETTINGS_FILE)}.`);
    }
    return { name, content: readFileSync(path, 'utf8') };
  });
  return { files: { compose, overrides, env, variables, profiles }, secrets };
}

function readSettings(dir: string, what: string): z.output<typeof settingsSchema> {
  const raw = existsSync(join(dir, SETTINGS_FILE)) ? readJson(join(dir, SETTINGS_FILE)) : {};
  const settings = settingsSchema.safeParse(raw);
  if (!settings.success) {
    throw new RackpilotError(
      ErrorCode.StoreCorrupt,
      `The settings of ${what} (${join(dir, SETTINGS_FILE)}) are unreadable: ${settings.error.issues[0]?.message ?? 'malformed'}. Fix or delete that file.`,
    );
  }
  return settings.data;
}

/**
 * Override files first, then compose.yaml and .env, then rackpilot.json, which names the
 * overrides: a crash part-way leaves at most an unlisted file, never a listed one missing. Files
 * of overrides removed since are deleted last.
 */
function writeStackFolder(dir: string, stack: StoredStack): void {
  const { compose, overrides, env, variables, profiles } = stack.files;
  const before = existsSync(join(dir, SETTINGS_FILE)) ? (settingsSchema.safeParse(readJson(join(dir, SETTINGS_FILE))).data?.overrides ?? []) : [];
  const secrets = [...new Set(stack.secrets)].filter((s) => Object.hasOwn(variables, s)).sort();
  for (const o of overrides) writeFileAtomic(join(dir, checkOverrideName(o.name)), o.content, 0o600);
  writeFileAtomic(join(dir, COMPOSE_FILE), compose, 0o600);
  writeFileAtomic(join(dir, ENV_FILE), env, 0o600);
  const settings = { variables, profiles, overrides: overrides.map((o) => o.name), secrets };
  writeFileAtomic(join(dir, SETTINGS_FILE), JSON.stringify(settings, null, 2) + '\n', 0o600);
  const kept = overrides.map((o) => join(dir, o.name));
  for (const name of before) {
    const path = join(dir, name);
    // On a case-insensitive disk (macOS) "A.yaml" renamed to "a.yaml" is still the kept file.
    if (!kept.some((k) => sameFile(k, path))) rmSync(path, { force: true });
  }
}

function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  const [sa, sb] = [statSync(a, { throwIfNoEntry: false }), statSync(b, { throwIfNoEntry: false })];
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Temp file in the same folder, flushed, then renamed over the target: readers see old or new, never half. */
export function writeFileAtomic(path: string, content: string, mode: number): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
