/** Jobs, newest first: state, phase, progress, cancel, and the log on demand. */
import { useEffect, useRef, useState } from 'react';
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import { errorMessage, rpc } from '../../rpc/api';
import { followJobLog, onJobChanged, unfollowJobLog, useJobs } from '../../stores/jobs';
import { JobLogLines } from '../../components/JobLogLines';
import { duration, formatTime } from './format';

export function JobsList() {
  const jobs = useJobs((s) => s.jobs);
  const status = useJobs((s) => s.status);
  const error = useJobs((s) => s.error);
  return (
    <section aria-labelledby="jobs-title" className="panel">
      <h2 id="jobs-title">Jobs</h2>
      {status === 'error' && (
        <div className="notice notice-error" role="alert">
          Could not load the jobs: {error}
        </div>
      )}
      {status === 'ready' && jobs.length === 0 && <p className="muted">No jobs yet. Checks, installs and deployments will show up here.</p>}
      <ul className="jobs" aria-label="Jobs">
        {jobs.map((job) => (
          <JobItem key={job.id} job={job} />
        ))}
      </ul>
    </section>
  );
}

function JobItem({ job }: { job: Job }) {
  const [expanded, setExpanded] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const finished = FINISHED_JOB_STATES.includes(job.state);
  const percent = Math.round(job.progress * 100);
  const logId = `job-log-${job.id}`;

  const toggle = () => {
    const next = !expanded;
    setExpanded(next);
    if (next) followJobLog(job.id).catch((err: unknown) => setActionError(`Could not load the log: ${errorMessage(err)}`));
    else unfollowJobLog(job.id);
  };
  const cancel = async () => {
    setActionError(null);
    try {
      onJobChanged(await rpc().call('jobs.cancel', { id: job.id }));
    } catch (err) {
      setActionError(`Could not cancel: ${errorMessage(err)}`);
    }
  };

  return (
    <li className={`job job-${job.state}`} data-testid="job" aria-label={job.title}>
      <div className="job-head">
        <button type="button" className="expander" aria-expanded={expanded} aria-controls={logId} onClick={toggle}>
          <span className="chevron" aria-hidden="true">
            {expanded ? '▾' : '▸'}
          </span>
          <span className="job-title">{job.title}</span>
        </button>
        <span className={`badge job-state-${job.state}`} data-testid="job-state">
          {job.state}
        </span>
        <span className="job-phase muted">{job.phase ? `phase: ${job.phase}` : ''}</span>
        <progress className="job-progress" max={100} value={percent} aria-label={`Progress of ${job.title}`}>
          {percent}%
        </progress>
        <span className="job-time muted">
          {formatTime(job.createdAt)}
          {finished && job.startedAt && job.finishedAt ? ` · ${duration(job.startedAt, job.finishedAt)}` : ''}
        </span>
        {!finished && (
          <button type="button" className="btn btn-small" onClick={cancel} aria-label={`Cancel ${job.title}`}>
            Cancel
          </button>
        )}
      </div>
      {job.error && (
        <p className="job-error" data-testid="job-error">
          {job.error.message}
        </p>
      )}
      {actionError && (
        <p className="job-error" role="alert">
          {actionError}
        </p>
      )}
      {expanded && <JobLog id={logId} jobId={job.id} />}
    </li>
  );
}

function JobLog({ id, jobId }: { id: string; jobId: string }) {
  const lines = useJobs((s) => s.logs[jobId]);
  const ref = useRef<HTMLPreElement>(null);
  // Follow the tail as lines arrive.
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines?.length]);
  return (
    <pre id={id} ref={ref} className="job-log" aria-label="Job log" tabIndex={0}>
      <JobLogLines lines={lines} />
    </pre>
  );
}
