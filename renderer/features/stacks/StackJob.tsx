/**
 * A stack job (deploy or down) as it runs: state, phase, overall progress, a bar per image being
 * pulled, the error if it failed, and the live log. The job comes back from the call that started
 * it; `jobs.changed` keeps it current through the jobs store.
 */
import { useEffect, useState } from 'react';
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import { JobLogView } from '../../components/JobLogView';
import { errorMessage, rpc } from '../../rpc/api';
import { onJobChanged, useJobs } from '../../stores/jobs';
import { dropPulls } from '../../stores/stacks';
import { PullProgress } from './PullProgress';

export function StackJob({ job: started, onFinished }: { job: Job; onFinished?(job: Job): void }) {
  const job = useJobs((s) => s.jobs.find((j) => j.id === started.id)) ?? started;
  const finished = FINISHED_JOB_STATES.includes(job.state);
  const percent = Math.round(job.progress * 100);

  const [cancelError, setCancelError] = useState<string | null>(null);

  useEffect(() => () => dropPulls(started.id), [started.id]);
  useEffect(() => {
    if (finished) onFinished?.(job);
    // Once, when the job reaches its end.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finished]);

  return (
    <section className="stack-job panel" aria-label={job.title} data-testid="stack-job" data-state={job.state}>
      <div className="job-head">
        <span className="job-title">{job.title}</span>
        <span className={`badge job-state-${job.state}`} data-testid="job-state">
          {job.state}
        </span>
        <span className="job-phase muted">{job.phase ? `phase: ${job.phase}` : ''}</span>
        <progress className="job-progress" max={100} value={percent} aria-label={`Progress of ${job.title}`}>
          {percent}%
        </progress>
        {!finished && (
          <button type="button" className="btn btn-small" onClick={() => void rpc().call('jobs.cancel', { id: job.id }).then(onJobChanged, (err: unknown) => setCancelError(`Could not cancel: ${errorMessage(err)}`))}>
            Cancel
          </button>
        )}
      </div>
      <PullProgress jobId={job.id} />
      {cancelError && (
        <p className="field-error" role="alert">
          {cancelError}
        </p>
      )}
      {job.error && (
        <p className="notice notice-error" role="alert" data-testid="job-error">
          {job.error.message}
        </p>
      )}
      <JobLogView jobId={job.id} label={`Log of ${job.title}`} />
    </section>
  );
}
