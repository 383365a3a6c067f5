/**
 * Long-running work (DESIGN §3). A job is persisted before it starts, reports phases, progress
 * and log lines as it goes, and ends succeeded, failed or cancelled. Jobs that were running when
 * the process died are marked `interrupted` at the next start — never silently lost.
 */
import { randomUUID } from 'node:crypto';
import { FINISHED_JOB_STATES, type Job, type JobLogLine, type LogStream } from '../../../shared/domain/job';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { Logger } from '../log';
import { toWireError } from '../rpc/errors';
import type { JobsRepo } from '../store/jobs-repo';
import { abortError } from '../abort';

export interface JobContext {
  /** The job's id, for events that point back at it. */
  jobId: string;
  signal: AbortSignal;
  /** Appends a line to the job's log (persisted and pushed to clients). */
  log(line: string, stream?: LogStream): void;
  /** Enters a named phase; moves progress to that phase's start unless told otherwise. */
  phase(name: string): void;
  /** 0..1 over the whole job. */
  progress(fraction: number): void;
}

/** Thrown by a job that failed but has a result to show (e.g. a recipe's step list). */
export class JobFailedWithResult extends RackpilotError {
  constructor(
    code: string,
    message: string,
    readonly result: unknown,
  ) {
    super(code, message);
  }
}

export interface JobSpec {
  kind: string;
  title: string;
  nodeId?: string | null;
  phases: string[];
}

/** A long line is cut here: job logs hold command output, not files. */
const MAX_LINE = 8 * 1024;
/** Lines kept per job; beyond this the log says how many were dropped. */
const MAX_LINES = 50_000;
/** Progress pushes at most this often, so a chatty job cannot flood the clients. */
const PROGRESS_INTERVAL_MS = 100;

interface Running {
  controller: AbortController;
  cancelledByUser: boolean;
  done: Promise<void>;
}

export class JobsService {
  private readonly running = new Map<string, Running>();
  private readonly seqs = new Map<string, number>();

  constructor(
    private readonly repo: JobsRepo,
    private readonly bus: EventBus,
    private readonly audit: AuditLog,
    private readonly log: Logger,
  ) {}

  /** Call once at start-up: whatever was running in a previous process is now `interrupted`. */
  recoverInterrupted(): Job[] {
    const recovered: Job[] = [];
    for (const job of this.repo.unfinished()) {
      const updated: Job = {
        ...job,
        state: 'interrupted',
        finishedAt: new Date().toISOString(),
        error: {
          code: 'E_INTERRUPTED',
          message: 'Rackpilot stopped while this job was running. Check the node, then run the job again.',
        },
      };
      this.repo.update(updated);
      this.audit.record({
        actor: 'system',
        kind: 'job.interrupted',
        subjectId: job.nodeId,
        summary: `${job.title} was interrupted by a restart`,
        data: { jobId: job.id },
      });
      recovered.push(updated);
    }
    return recovered;
  }

  start<R>(spec: JobSpec, run: (ctx: JobContext) => Promise<R>): Job {
    const now = new Date().toISOString();
    let job: Job = {
      id: randomUUID(),
      kind: spec.kind,
      title: spec.title,
      nodeId: spec.nodeId ?? null,
      state: 'running',
      phases: spec.phases,
      phase: spec.phases[0] ?? null,
      progress: 0,
      result: null,
      error: null,
      createdAt: now,
      startedAt: now,
      finishedAt: null,
    };
    this.repo.insert(job);
    this.seqs.set(job.id, 0);
    this.bus.publish('jobs.changed', job);
    this.audit.record({ actor: 'user', kind: 'job.started', subjectId: job.nodeId, summary: `Started: ${job.title}`, data: { jobId: job.id } });

    const controller = new AbortController();
    let lastPush = 0;
    let pendingPush: ReturnType<typeof setTimeout> | null = null;
    const save = (changes: Partial<Job>, force = false) => {
      job = { ...job, ...changes };
      const elapsed = Date.now() - lastPush;
      if (force || elapsed >= PROGRESS_INTERVAL_MS) {
        if (pendingPush) clearTimeout(pendingPush);
        pendingPush = null;
        lastPush = Date.now();
        this.repo.update(job);
        this.bus.publish('jobs.changed', job);
      } else if (!pendingPush) {
        pendingPush = setTimeout(() => save({}, true), PROGRESS_INTERVAL_MS - elapsed);
      }
    };
    const ctx: JobContext = {
      jobId: job.id,
      signal: controller.signal,
      log: (line, stream = 'info') => this.appendLog(job.id, stream, line),
      phase: (name) => {
        const index = job.phases.indexOf(name);
        const progress = index > 0 ? Math.max(job.progress, index / job.phases.length) : job.progress;
        save({ phase: name, progress }, true);
      },
      progress: (fraction) => save({ progress: Math.min(1, Math.max(0, fraction)) }),
    };

    const entry: Running = { controller, cancelledByUser: false, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        const result = await run(ctx);
        if (controller.signal.aborted) throw abortError();
        save({ state: 'succeeded', progress: 1, result: result ?? null, finishedAt: new Date().toISOString() }, true);
        this.audit.record({ actor: 'system', kind: 'job.succeeded', subjectId: job.nodeId, summary: `Succeeded: ${job.title}`, data: { jobId: job.id } });
      } catch (err) {
        const aborted = controller.signal.aborted;
        const state = aborted ? (entry.cancelledByUser ? 'cancelled' : 'interrupted') : 'failed';
        const error = aborted
          ? { code: ErrorCode.Cancelled, message: entry.cancelledByUser ? 'Cancelled by the user.' : 'Stopped because Rackpilot shut down.' }
          : toWireError(err, job.title, (cause, ref) => this.log.error(`job ${job.kind} failed`, { ref, error: cause instanceof Error ? cause.stack : String(cause) }));
        this.appendLog(job.id, 'error', error.message);
        // A job that failed part-way may still have a result worth keeping (which steps ran).
        const result = err instanceof JobFailedWithResult ? err.result : job.result;
        save({ state, error, result, finishedAt: new Date().toISOString() }, true);
        this.audit.record({ actor: 'system', kind: `job.${state}`, subjectId: job.nodeId, summary: `${capitalise(state)}: ${job.title} — ${error.message}`, data: { jobId: job.id, code: error.code } });
      } finally {
        if (pendingPush) clearTimeout(pendingPush);
        this.running.delete(job.id);
        this.seqs.delete(job.id);
      }
    })();
    this.running.set(job.id, entry);
    return job;
  }

  cancel(id: string): Job {
    const job = this.get(id);
    const entry = this.running.get(id);
    if (!entry) {
      if (FINISHED_JOB_STATES.includes(job.state)) return job; // cancelling a finished job is a no-op
      throw new RackpilotError(ErrorCode.NotFound, `Job ${id} is not running in this process.`);
    }
    entry.cancelledByUser = true;
    entry.controller.abort();
    return job;
  }

  get(id: string): Job {
    const job = this.repo.get(id);
    if (!job) throw new RackpilotError(ErrorCode.NotFound, `No job with id ${id}. It may have been from another data directory.`);
    return job;
  }

  list(opts: { limit: number; nodeId?: string }): Job[] {
    return this.repo.list(opts);
  }

  logs(id: string, afterSeq: number, limit: number): JobLogLine[] {
    this.get(id);
    return this.repo.logs(id, afterSeq, limit);
  }

  /** Resolves when the job settles (tests and shutdown use it). */
  async settled(id: string): Promise<Job> {
    await this.running.get(id)?.done;
    return this.get(id);
  }

  /** Stops every running job (marked interrupted) and waits for them to settle. */
  async shutdown(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort();
    await Promise.allSettled(all.map((r) => r.done));
  }

  private appendLog(jobId: string, stream: LogStream, text: string): void {
    for (const raw of text.replace(/\r?\n$/, '').split(/\r?\n/)) {
      const seq = (this.seqs.get(jobId) ?? this.repo.lastLogSeq(jobId)) + 1;
      if (seq > MAX_LINES + 1) return;
      this.seqs.set(jobId, seq);
      const line = seq === MAX_LINES + 1 ? `… log truncated after ${MAX_LINES} lines` : raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) + ' …' : raw;
      this.bus.publish('jobs.log', this.repo.appendLog(jobId, seq, stream, line));
    }
  }
}


function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
