import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-app';
import { DB_FILE, openStore } from './database';
import { MIGRATIONS } from './migrations';
import { NodesRepo } from './nodes-repo';

describe('migration 6: install start time', () => {
  it('dates installs armed before the upgrade by their last arming event, and no other node', () => {
    const dir = tempDir();
    const old = new Database(join(dir, DB_FILE));
    for (const m of MIGRATIONS.slice(0, 5)) old.exec(m.sql);
    old.pragma('user_version = 5');
    const node = old.prepare(
      "INSERT INTO nodes (id, name, mac, ssh_user, ssh_port, role, state, netboot, created_at, updated_at) VALUES (?, ?, ?, 'rackpilot', 22, 'worker', ?, ?, 'x', 'x')",
    );
    node.run('n1', 'armed', '52:54:00:00:00:01', 'installing', 1);
    node.run('n2', 'idle', '52:54:00:00:00:02', 'ready', 0);
    const event = old.prepare("INSERT INTO events (ts, actor, kind, subject_id, summary) VALUES (?, 'user', ?, ?, 'x')");
    event.run('2026-01-05T10:00:00.000Z', 'boot.install-requested', 'n1');
    event.run('2026-01-05T11:00:00.000Z', 'boot.install-requested', 'n1'); // the re-arm counts
    event.run('2026-01-05T11:05:00.000Z', 'boot.http', 'n1');
    event.run('2026-01-05T09:00:00.000Z', 'boot.install-requested', 'n2');
    old.close();

    const { db } = openStore(dir);
    const installing = new NodesRepo(db).installing();
    expect(installing.map((i) => [i.node.id, i.startedAt])).toEqual([['n1', '2026-01-05T11:00:00.000Z']]);
    expect(db.prepare("SELECT install_started_at FROM nodes WHERE id = 'n2'").get()).toEqual({ install_started_at: null });
    db.close();
  });
});
