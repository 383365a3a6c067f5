/**
 * One job by id, live: from the jobs store (kept current by `jobs.changed`), fetched with
 * `jobs.get` when the store does not hold it — a cluster's last job may be older than the jobs
 * the app loads at start-up.
 */
import { useEffect, useState } from 'react';
import type { Job } from '../../../shared/domain/job';
import { errorMessage, rpc } from '../../rpc/api';
import { onJobChanged, useJobs } from '../../stores/jobs';

export function useJob(id: string | null): { job: Job | null; error: string | null } {
  const job = useJobs((s) => (id ? s.jobs.find((j) => j.id === id) : undefined)) ?? null;
  const [failed, setFailed] = useState<{ id: string; error: string } | null>(null);
  const missing = id !== null && job === null;

  useEffect(() => {
    if (!missing || !id) return;
    let live = true;
    rpc()
      .call('jobs.get', { id })
      .then(
        (j) => onJobChanged(j),
        (err: unknown) => live && setFailed({ id, error: `Could not load the job: ${errorMessage(err)}` }),
      );
    return () => {
      live = false;
    };
  }, [id, missing]);

  return { job, error: failed?.id === id ? failed.error : null };
}
