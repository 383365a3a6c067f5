/** Jobs and their log lines. Log lines are numbered per job so clients can resume a tail. */
import type { Job, JobLogLine, JobState, LogStream } from '../../../shared/domain/job';
import type { WireError } from '../../../shared/protocol';
import type { Db } from './database';

interface JobRow {
  id: string;
  kind: string;
  title: string;
  node_id: string | null;
  state: string;
  phases: string;
  phase: string | null;
  progress: number;
  result: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface LogRow {
  job_id: string;
  seq: number;
  ts: string;
  stream: string;
  line: string;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  nodeId: r.node_id,
  state: r.state as JobState,
  phases: JSON.parse(r.phases) as string[],
  phase: r.phase,
  progress: r.progress,
  result: parse<unknown>(r.result),
  error: parse<WireError>(r.error),
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const toRow = (j: Job): JobRow => ({
  id: j.id,
  kind: j.kind,
  title: j.title,
  node_id: j.nodeId,
  state: j.state,
  phases: JSON.stringify(j.phases),
  phase: j.phase,
  progress: j.progress,
  result: j.result === null || j.result === undefined ? null : JSON.stringify(j.result),
  error: j.error === null ? null : JSON.stringify(j.error),
  created_at: j.createdAt,
  started_at: j.startedAt,
  finished_at: j.finishedAt,
});

export class JobsRepo {
  private readonly db: Db;
  private readonly stmts;

  constructor(db: Db) {
    this.db = db;
    this.stmts = {
      insert: db.prepare<[JobRow]>(
        `INSERT INTO jobs (id, kind, title, node_id, state, phases, phase, progress, result, error, created_at, started_at, finished_at)
         VALUES (@id, @kind, @title, @node_id, @state, @phases, @phase, @progress, @result, @error, @created_at, @started_at, @finished_at)`,
      ),
      update: db.prepare<[JobRow]>(
        `UPDATE jobs SET state=@state, phase=@phase, progress=@progress, result=@result, error=@error,
         started_at=@started_at, finished_at=@finished_at WHERE id=@id`,
      ),
      byId: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      unfinished: db.prepare<[], JobRow>("SELECT * FROM jobs WHERE state IN ('queued', 'running')"),
      insertLog: db.prepare<[LogRow]>(
        'INSERT INTO job_logs (job_id, seq, ts, stream, line) VALUES (@job_id, @seq, @ts, @stream, @line)',
      ),
      logs: db.prepare<[string, number, number], LogRow>(
        'SELECT * FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      lastSeq: db.prepare<[string], { seq: number | null }>('SELECT MAX(seq) AS seq FROM job_logs WHERE job_id = ?'),
    };
  }

  insert(job: Job): void {
    this.stmts.insert.run(toRow(job));
  }

  update(job: Job): void {
    this.stmts.update.run(toRow(job));
  }

  get(id: string): Job | undefined {
    const r = this.stmts.byId.get(id);
    return r ? toJob(r) : undefined;
  }

  /** Newest first. */
  list(opts: { limit: number; nodeId?: string }): Job[] {
    const sql = `SELECT * FROM jobs ${opts.nodeId !== undefined ? 'WHERE node_id = ?' : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    const args: (string | number)[] = opts.nodeId !== undefined ? [opts.nodeId, opts.limit] : [opts.limit];
    return this.db.prepare<(string | number)[], JobRow>(sql).all(...args).map(toJob);
  }

  unfinished(): Job[] {
    return this.stmts.unfinished.all().map(toJob);
  }

  appendLog(jobId: string, seq: number, stream: LogStream, line: string): JobLogLine {
    const row: LogRow = { job_id: jobId, seq, ts: new Date().toISOString(), stream, line };
    this.stmts.insertLog.run(row);
    return { jobId, seq, ts: row.ts, stream, line };
  }

  lastLogSeq(jobId: string): number {
    return this.stmts.lastSeq.get(jobId)?.seq ?? 0;
  }

  logs(jobId: string, afterSeq: number, limit: number): JobLogLine[] {
    return this.stmts.logs.all(jobId, afterSeq, limit).map((r) => ({
      jobId: r.job_id,
      seq: r.seq,
      ts: r.ts,
      stream: r.stream as LogStream,
      line: r.line,
    }));
  }
}
