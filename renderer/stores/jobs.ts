/**
 * Jobs and their logs: `jobs.list` + `jobs.changed`; logs are fetched when a job is expanded
 * (`jobs.logs`) and then followed with `jobs.log`.
 */
import { create } from 'zustand';
import type { Job, JobLogLine } from '../../shared/domain/job';
import { errorMessage, rpc } from '../rpc/api';
import { coalesce } from './coalesce';

interface JobsStore {
  jobs: Job[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** Log lines of the jobs someone is looking at, by job id. */
  logs: Record<string, JobLogLine[]>;
}

export const useJobs = create<JobsStore>()(() => ({ jobs: [], status: 'loading', error: null, logs: {} }));

const newestFirst = (a: Job, b: Job) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0);

export function applyJobChanges(jobs: Job[], changed: Job[]): Job[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const j of changed) byId.set(j.id, j);
  return [...byId.values()].sort(newestFirst);
}

/** Adds lines in seq order, ignoring ones already there (a fetch and a push can overlap). */
export function mergeLogLines(existing: JobLogLine[], incoming: JobLogLine[]): JobLogLine[] {
  if (incoming.length === 0) return existing;
  const last = existing[existing.length - 1]?.seq ?? 0;
  const inOrder = incoming.every((l, i) => l.seq > (i === 0 ? last : (incoming[i - 1]?.seq ?? 0)));
  if (inOrder) return [...existing, ...incoming];
  const bySeq = new Map(existing.map((l) => [l.seq, l]));
  for (const l of incoming) bySeq.set(l.seq, l);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

const pendingJobs = coalesce<Job>((changed) => useJobs.setState((s) => ({ jobs: applyJobChanges(s.jobs, changed) })));
const pendingLogs = coalesce<JobLogLine>((lines) =>
  useJobs.setState((s) => {
    const logs = { ...s.logs };
    let touched = false;
    for (const line of lines) {
      const have = logs[line.jobId];
      if (!have) continue; // nobody follows this job's log
      logs[line.jobId] = mergeLogLines(have, [line]);
      touched = true;
    }
    return touched ? { logs } : s;
  }),
);

export const onJobChanged = (job: Job) => pendingJobs.push(job);
export const onJobLog = (line: JobLogLine) => pendingLogs.push(line);

export async function loadJobs(): Promise<void> {
  pendingJobs.hold();
  try {
    const jobs = await rpc().call('jobs.list', { limit: 200 });
    useJobs.setState({ jobs: [...jobs].sort(newestFirst), status: 'ready', error: null });
  } catch (err) {
    useJobs.setState({ status: 'error', error: errorMessage(err) });
  } finally {
    pendingJobs.release();
  }
}

/** Starts following a job's log: fetch what exists, then live lines are merged in. */
export async function followJobLog(id: string): Promise<void> {
  useJobs.setState((s) => ({ logs: { ...s.logs, [id]: s.logs[id] ?? [] } }));
  pendingLogs.hold();
  try {
    const lines = await rpc().call('jobs.logs', { id });
    useJobs.setState((s) => ({ logs: { ...s.logs, [id]: mergeLogLines(s.logs[id] ?? [], lines) } }));
  } finally {
    pendingLogs.release();
  }
}

/** Refetches the logs being followed (after a reconnect, lines may have been missed). */
export async function reloadFollowedLogs(): Promise<void> {
  await Promise.all(Object.keys(useJobs.getState().logs).map((id) => followJobLog(id).catch(() => undefined)));
}

export function unfollowJobLog(id: string): void {
  useJobs.setState((s) => {
    const { [id]: _dropped, ...rest } = s.logs;
    return { logs: rest };
  });
}

/** The newest job per node, for the small status in the node table. */
export function latestJobByNode(jobs: Job[]): Map<string, Job> {
  const map = new Map<string, Job>();
  for (const j of jobs) if (j.nodeId && !map.has(j.nodeId)) map.set(j.nodeId, j); // jobs are newest first
  return map;
}
