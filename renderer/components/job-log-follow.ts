/**
 * Shared following of job logs: several views may show (or read) the same job's log at once — the
 * bulk results parse it while its log view shows it — so the store follows a log while at least
 * one of them holds it, and forgets it when the last lets go.
 */
import { followJobLog, unfollowJobLog } from '../stores/jobs';

const holders = new Map<string, number>();

export function holdJobLog(jobId: string): Promise<void> {
  const n = holders.get(jobId) ?? 0;
  holders.set(jobId, n + 1);
  return n === 0 ? followJobLog(jobId) : Promise.resolve();
}

export function releaseJobLog(jobId: string): void {
  const n = (holders.get(jobId) ?? 0) - 1;
  if (n > 0) {
    holders.set(jobId, n);
    return;
  }
  holders.delete(jobId);
  unfollowJobLog(jobId);
}
