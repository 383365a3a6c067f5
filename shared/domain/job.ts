/** Long-running work (DESIGN §3): persisted, observable, cancellable. */
import type { WireError } from '../protocol';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States a job never leaves. */
export const FINISHED_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

export interface Job {
  id: string;
  kind: string;
  title: string;
  /** Node the job works on, if any (used to show it on the node's page). */
  nodeId: string | null;
  state: JobState;
  /** Names of the job's phases in order, as declared when it started. */
  phases: string[];
  /** The phase running now, or the last one reached. */
  phase: string | null;
  /** 0..1 */
  progress: number;
  result: unknown;
  error: WireError | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type LogStream = 'info' | 'stdout' | 'stderr' | 'error';

export interface JobLogLine {
  jobId: string;
  seq: number;
  ts: string;
  stream: LogStream;
  line: string;
}
