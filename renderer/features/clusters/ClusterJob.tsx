/**
 * A cluster job (preflight, bootstrap, teardown, wipe check, rebuild) as it runs: state, progress,
 * its phases as a step list, the error if it failed, what it found (the caller's `children`), and
 * its live log behind a toggle — mounted only while shown, so a collapsed log follows nothing.
 */
import { useId, useState, type ReactNode } from 'react';
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import { JobLogView } from '../../components/JobLogView';
import { errorMessage, rpc } from '../../rpc/api';
import { onJobChanged } from '../../stores/jobs';
import { phaseSteps, phaseSummary } from './phase-list';
import { PhaseList } from './PhaseList';

interface Props {
  job: Job;
  children?: ReactNode;
  /** Show the log from the start (e.g. a failed job, whose log says why). */
  logOpen?: boolean;
}

export function ClusterJob({ job, children, logOpen = false }: Props) {
  const [showLog, setShowLog] = useState(logOpen || job.state === 'failed');
  const [cancelError, setCancelError] = useState<string | null>(null);
  const logId = useId();
  const finished = FINISHED_JOB_STATES.includes(job.state);
  const percent = Math.round(job.progress * 100);
  const steps = phaseSteps(job);

  const cancel = () => {
    setCancelError(null);
    rpc()
      .call('jobs.cancel', { id: job.id })
      .then(onJobChanged, (err: unknown) => setCancelError(`Could not cancel: ${errorMessage(err)}`));
  };

  return (
    <section className="cluster-job" aria-label={job.title} data-testid="cluster-job" data-kind={job.kind} data-state={job.state}>
      <div className="cluster-job-head">
        <span className="cluster-job-title">{job.title}</span>
        <span className={`badge job-state-${job.state}`} data-testid="cluster-job-state">
          {job.state}
        </span>
        <span className="muted" aria-live="polite">
          {finished ? (steps.length > 0 ? phaseSummary(steps) : '') : job.phase ? `Running: ${job.phase}` : 'Starting…'}
        </span>
        {!finished && (
          <button type="button" className="btn btn-small" onClick={cancel} aria-label={`Cancel ${job.title}`}>
            Cancel
          </button>
        )}
      </div>
      {!finished && (
        <progress className="job-progress" max={100} value={percent} aria-label={`Progress of ${job.title}`}>
          {percent}%
        </progress>
      )}
      {cancelError && (
        <p className="field-error" role="alert">
          {cancelError}
        </p>
      )}
      <PhaseList steps={steps} label={`Phases of ${job.title}`} />
      {job.error && (
        <p className="notice notice-error" role="alert" data-testid="cluster-job-error">
          {job.error.message}
        </p>
      )}
      {children}
      <div className="cluster-job-log">
        <button type="button" className="btn btn-small" aria-expanded={showLog} aria-controls={logId} onClick={() => setShowLog((v) => !v)}>
          {showLog ? 'Hide log' : 'Show log'}
        </button>
        <div id={logId} hidden={!showLog}>
          {showLog && <JobLogView jobId={job.id} label={`Log of ${job.title}`} />}
        </div>
      </div>
    </section>
  );
}
