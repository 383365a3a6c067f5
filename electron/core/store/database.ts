/**
 * Opens (or creates) the SQLite store in the data dir. A database this build cannot read —
 * corrupt, not a database, or from a newer Rackpilot — is refused with a clear error and left
 * exactly as it was: the user's data is never silently overwritten.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';

export type Db = Database.Database;
export const DB_FILE = 'rackpilot.db';

export interface OpenedStore {
  db: Db;
  path: string;
  schemaVersion: number;
  /** Path of the copy taken before migrating an older database, if one was. */
  backupPath: string | null;
}

export interface StoreOptions {
  /** Path of a better_sqlite3.node built for this runtime's ABI (Electron's differs from Node's). */
  nativeBinding?: string;
}

export function openStore(dataDir: string, options: StoreOptions = {}): OpenedStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, DB_FILE);
  const existed = existsSync(path);
  let db: Db;
  try {
    db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (err) {
    throw corrupt(path, err);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > LATEST_SCHEMA_VERSION) {
      throw new RackpilotError(
        ErrorCode.StoreNewerSchema,
        `The database at ${path} was written by a newer Rackpilot (schema ${version}; this version understands up to ${LATEST_SCHEMA_VERSION}). ` +
          'It has not been changed. Install the newer Rackpilot again, or start this one with a different data directory.',
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const backupPath = existed && version > 0 && version < LATEST_SCHEMA_VERSION ? backup(db, path, version) : null;
    migrate(db, version);
    return { db, path, schemaVersion: LATEST_SCHEMA_VERSION, backupPath };
  } catch (err) {
    db.close();
    if (err instanceof RackpilotError) throw err;
    throw corrupt(path, err);
  }
}

function migrate(db: Db, from: number): void {
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    // One transaction per step: a failure leaves the database at the previous version, intact.
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/** A consistent copy taken before an upgrade, so a bad migration can be undone by hand. */
function backup(db: Db, path: string, version: number): string {
  const target = `${path}.v${version}.bak`;
  if (existsSync(target)) copyFileSync(target, `${target}.${Date.now()}`);
  db.exec(`VACUUM INTO '${target.replace(/'/g, "''")}'`);
  return target;
}

function corrupt(path: string, err: unknown): RackpilotError {
  const reason = err instanceof Error ? err.message : String(err);
  return new RackpilotError(
    ErrorCode.StoreCorrupt,
    `The database at ${path} cannot be read (${reason}). Rackpilot has not changed it. ` +
      'Restore it from a backup, or move it aside (e.g. rename it to rackpilot.db.broken) to start with an empty inventory.',
  );
}
