/**
 * One step: its text beside its checks. "Check my work" runs the checks on the real nodes; the
 * auto-check re-runs them every 15 s while the learner works on the current step. When all pass,
 * the next action is the next step; when one fails, its evidence and hint show beside the text.
 */
import { useState } from 'react';
import type { LabDetail, LabRun, LabStepView } from '../../../shared/domain/lab';
import { CheckResults } from './CheckResults';
import { checksLine, latestChecks } from './lab-format';
import { Markdown } from './markdown';
import { SolutionPanel } from './SolutionPanel';
import { useAutoCheck, useLabCheck } from './use-lab-check';

interface Props {
  detail: LabDetail;
  run: LabRun;
  step: LabStepView;
  onGo(step: number): void;
}

export function StepPanel({ detail, run, step, onGo }: Props) {
  const labId = detail.summary.id;
  const index = step.index;
  const progress = run.steps[index];
  const done = Boolean(progress?.completedAt);
  const state = useLabCheck(labId, index);
  const [auto, setAuto] = useState(false);
  const canAuto = step.checks.length > 0 && !done;
  useAutoCheck(auto && canAuto, state);

  const checks = latestChecks(run, index, state.report);
  const last = index === detail.steps.length - 1;
  const next = detail.steps[index + 1];

  return (
    <div className="lab-step-panel">
      <article className="panel lab-step-text" aria-labelledby="lab-step-title">
        <h2 id="lab-step-title">
          Step {index + 1} of {detail.steps.length}: {step.title}
        </h2>
        <Markdown source={step.body} />
        {step.hasSolution && <SolutionPanel labId={labId} step={index} shownBefore={progress?.solutionShown ?? false} />}
        <div className="lab-step-nav">
          <button type="button" className="btn" disabled={index === 0} onClick={() => onGo(index - 1)}>
            Previous step
          </button>
          {!last && (
            <button type="button" className={`btn ${done ? 'btn-primary' : ''}`} onClick={() => onGo(index + 1)}>
              Next step
            </button>
          )}
        </div>
      </article>
      <section className="panel lab-check-panel" aria-labelledby="lab-checks-title" data-testid="lab-checks">
        <div className="panel-head">
          <h2 id="lab-checks-title">Checks</h2>
          {done && <span className="badge state-ready">Step done</span>}
        </div>
        <p className="muted" aria-live="polite">
          {state.checking ? 'Checking your work on the nodes…' : checksLine(step, checks)}
        </p>
        <CheckResults step={step} checks={checks} />
        {state.error && (
          <p className="notice notice-error" role="alert">
            {state.error}
          </p>
        )}
        {done && (
          <p className="notice lab-step-done" role="status" data-testid="lab-step-done">
            {run.completedAt && last
              ? 'Lab complete: every step passed. Well done!'
              : next
                ? `Step done. Next: ${next.title}.`
                : 'Step done.'}
          </p>
        )}
        <div className="lab-check-actions">
          {step.checks.length > 0 && (
            <button type="button" className={`btn ${done ? '' : 'btn-primary'}`} disabled={state.checking} onClick={() => void state.check(false)}>
              {state.checking ? 'Checking…' : 'Check my work'}
            </button>
          )}
          {canAuto && (
            <label className="check lab-auto-check">
              <input
                type="checkbox"
                checked={auto}
                onChange={(e) => {
                  setAuto(e.target.checked);
                  // Turning it on checks at once: the learner may already be done.
                  if (e.target.checked) void state.check(true);
                }}
              />
              Check automatically every 15 s
            </label>
          )}
          {done && next && (
            <button type="button" className="btn btn-primary" onClick={() => onGo(index + 1)}>
              Go to step {index + 2}
            </button>
          )}
        </div>
      </section>
    </div>
  );
}
