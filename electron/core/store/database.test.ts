import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RackpilotError } from '../../../shared/errors';
import { createApp } from '../app';
import { createLogger } from '../log';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';
import { DB_FILE, openStore } from './database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';

const quiet = createLogger('error');
let t: TempApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function startError(dir: string): RackpilotError {
  try {
    createApp({ dataDir: dir, shell: 'headless', version: 'test', log: quiet }).close();
  } catch (err) {
    expect(err).toBeInstanceOf(RackpilotError);
    return err as RackpilotError;
  }
  throw new Error('expected createApp to refuse');
}

describe('store', () => {
  it('creates a WAL database at the latest schema', () => {
    const dir = tempDir();
    const { db, schemaVersion } = openStore(dir);
    expect(schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('loads the SQLite driver from an explicit native binding (how Electron gets its own ABI build)', () => {
    const binding = join(__dirname, '../../../node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const { db } = openStore(tempDir(), { nativeBinding: binding });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();
    expect(() => openStore(tempDir(), { nativeBinding: '/nonexistent/better_sqlite3.node' })).toThrow(RackpilotError);
  });

  it('refuses a file that is not a database, and leaves it byte for byte', () => {
    const dir = tempDir();
    const garbage = Buffer.from('this is not sqlite '.repeat(500));
    writeFileSync(join(dir, DB_FILE), garbage);
    const err = startError(dir);
    expect(err.code).toBe('E_STORE_CORRUPT');
    expect(err.message).toMatch(/has not changed it/);
    expect(readFileSync(join(dir, DB_FILE)).equals(garbage)).toBe(true);
  });

  it('refuses a database from a newer Rackpilot without touching it', () => {
    const dir = tempDir();
    const db = new Database(join(dir, DB_FILE));
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.exec('CREATE TABLE future (x)');
    db.close();
    const before = readFileSync(join(dir, DB_FILE));
    const err = startError(dir);
    expect(err.code).toBe('E_STORE_NEWER_SCHEMA');
    expect(err.message).toContain(`schema ${LATEST_SCHEMA_VERSION + 5}`);
    expect(readFileSync(join(dir, DB_FILE)).equals(before)).toBe(true);
  });

  it('upgrades an older database step by step, keeping its rows and a backup of the old file', () => {
    const dir = tempDir();
    const old = new Database(join(dir, DB_FILE));
    old.exec(MIGRATIONS[0]?.sql ?? '');
    old.pragma('user_version = 1');
    old.prepare(
      "INSERT INTO nodes (id, name, mac, ssh_user, ssh_port, role, state, created_at, updated_at) VALUES ('n1', 'old-1', '52:54:00:00:00:01', 'root', 22, 'worker', 'ready', 'x', 'x')",
    ).run();
    old.close();
    const { db, backupPath } = openStore(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT name, netboot, host_keys FROM nodes').get()).toEqual({ name: 'old-1', netboot: 0, host_keys: '[]' });
    db.close();
    expect(backupPath).toBe(join(dir, `${DB_FILE}.v1.bak`));
    const backup = new Database(backupPath ?? '', { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(1);
    backup.close();
  });

  it('keeps data across a restart', async () => {
    t = createTempApp();
    await t.client.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:00:01' });
    const dir = t.dir;
    await t.close({ keepDir: true });
    t = createTempApp(dir);
    expect((await t.client.call('nodes.list', {})).map((n) => n.name)).toEqual(['r720-01']);
  });

  it('keeps the event log append-only', async () => {
    t = createTempApp();
    await t.client.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:00:01' });
    const db = new Database(join(t.dir, DB_FILE));
    expect(() => db.exec("UPDATE events SET summary = 'rewritten'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM events')).toThrow(/append-only/);
    db.close();
  });

  it('lets only one core use a data dir at a time', () => {
    t = createTempApp();
    const err = startError(t.dir);
    expect(err.code).toBe('E_DATA_DIR_LOCKED');
    expect(err.message).toContain(`pid ${process.pid}`);
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rackpilot.lock'), '999999999');
    t = createTempApp(dir);
    expect(await t.client.call('nodes.list', {})).toEqual([]);
  });
});
