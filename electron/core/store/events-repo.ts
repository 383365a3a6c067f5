/** The append-only audit trail (triggers in the schema refuse UPDATE and DELETE). */
import type { AuditEvent, EventActor } from '../../../shared/domain/event';
import type { Db } from './database';

interface EventRow {
  id: number;
  ts: string;
  actor: string;
  kind: string;
  subject_id: string | null;
  summary: string;
  data: string | null;
}

export interface NewEvent {
  actor: EventActor;
  kind: string;
  subjectId?: string | null;
  summary: string;
  data?: unknown;
}

const toEvent = (r: EventRow): AuditEvent => ({
  id: r.id,
  ts: r.ts,
  actor: r.actor as EventActor,
  kind: r.kind,
  subjectId: r.subject_id,
  summary: r.summary,
  data: r.data === null ? null : (JSON.parse(r.data) as unknown),
});

export class EventsRepo {
  private readonly insertStmt;
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    this.insertStmt = db.prepare<[string, string, string, string | null, string, string | null], EventRow>(
      'INSERT INTO events (ts, actor, kind, subject_id, summary, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
    );
  }

  append(e: NewEvent): AuditEvent {
    const row = this.insertStmt.get(
      new Date().toISOString(),
      e.actor,
      e.kind,
      e.subjectId ?? null,
      e.summary,
      e.data === undefined ? null : JSON.stringify(e.data),
    );
    if (!row) throw new Error('event insert returned no row');
    return toEvent(row);
  }

  /** Newest first. */
  list(opts: { limit: number; beforeId?: number; subjectId?: string }): AuditEvent[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (opts.beforeId !== undefined) {
      where.push('id < ?');
      args.push(opts.beforeId);
    }
    if (opts.subjectId !== undefined) {
      where.push('subject_id = ?');
      args.push(opts.subjectId);
    }
    const sql = `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return this.db
      .prepare<(string | number)[], EventRow>(sql)
      .all(...args, opts.limit)
      .map(toEvent);
  }
}
