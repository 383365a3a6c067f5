import type { Migration } from './migration';

export const coreTables: Migration = {
  version: 1,
  description: 'nodes, jobs, job logs, event log, settings',
  sql: `
      CREATE TABLE nodes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        mac TEXT NOT NULL,
        address TEXT NOT NULL DEFAULT '',
        ssh_user TEXT NOT NULL,
        ssh_port INTEGER NOT NULL,
        role TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX nodes_mac ON nodes(mac);
      CREATE UNIQUE INDEX nodes_name ON nodes(name COLLATE NOCASE);

      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        node_id TEXT,
        state TEXT NOT NULL,
        phases TEXT NOT NULL DEFAULT '[]',
        phase TEXT,
        progress REAL NOT NULL DEFAULT 0,
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX jobs_created ON jobs(created_at);
      CREATE INDEX jobs_node ON jobs(node_id);

      CREATE TABLE job_logs (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        ts TEXT NOT NULL,
        stream TEXT NOT NULL,
        line TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      );

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts TEXT NOT NULL,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject_id TEXT,
        summary TEXT NOT NULL,
        data TEXT
      );
      CREATE INDEX events_subject ON events(subject_id, id);
      -- The audit trail is append-only: history that can be edited is not history.
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
};
