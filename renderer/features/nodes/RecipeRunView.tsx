/** One recipe job, live: state, progress, the step list, cancel, and its log. */
import { useState } from 'react';
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import type { RecipeInfo } from '../../../shared/domain/recipe';
import { JobLogView } from '../../components/JobLogView';
import { errorMessage, rpc } from '../../rpc/api';
import { onJobChanged } from '../../stores/jobs';
import { useRecipes } from '../../stores/recipes';
import { formatTime } from '../activity/format';
import { isCheckOnly, stepList, summarize, summaryLabel } from './recipe-view';
import { StepList } from './StepList';

interface Props {
  job: Job;
  info: RecipeInfo | undefined;
  /** Show the job's log under the steps. */
  withLog?: boolean;
}

export function RecipeRunView({ job, info, withLog = true }: Props) {
  const live = useRecipes((s) => s.steps[job.id]);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const steps = stepList(info, live, job);
  const checkOnly = isCheckOnly(job);
  const finished = FINISHED_JOB_STATES.includes(job.state);
  const percent = Math.round(job.progress * 100);

  const cancel = async () => {
    setCancelError(null);
    try {
      onJobChanged(await rpc().call('jobs.cancel', { id: job.id }));
    } catch (err) {
      setCancelError(`Could not cancel: ${errorMessage(err)}`);
    }
  };

  return (
    <div className="recipe-run" data-testid="recipe-run">
      <div className="recipe-run-head">
        <span className={`badge job-state-${job.state}`} data-testid="recipe-run-state">
          {job.state}
        </span>
        <span className="recipe-run-title">{job.title}</span>
        {!finished && (
          <button type="button" className="btn btn-small" onClick={cancel} aria-label={`Cancel ${job.title}`}>
            Cancel
          </button>
        )}
      </div>
      <p className="muted recipe-run-meta" aria-live="polite">
        {finished ? summaryLabel(summarize(steps), checkOnly) : job.phase ? `Running: ${job.phase}` : 'Starting…'}
        {' · '}
        {formatTime(job.createdAt)}
      </p>
      {!finished && (
        <progress className="job-progress" max={100} value={percent} aria-label={`Progress of ${job.title}`}>
          {percent}%
        </progress>
      )}
      {job.error && (
        <p className="job-error-inline" data-testid="recipe-run-error">
          {job.error.message}
        </p>
      )}
      {cancelError && (
        <p className="field-error" role="alert">
          {cancelError}
        </p>
      )}
      <StepList steps={steps} checkOnly={checkOnly} label={`Steps of ${job.title}`} />
      {withLog && <JobLogView jobId={job.id} label={`Log of ${job.title}`} />}
    </div>
  );
}
