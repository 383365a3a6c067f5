/**
 * A running lab: the steps with done marks (pick one to go there), the open step, and a terminal
 * to the lab's nodes. The open step is this page's own: after a check completes it, the page stays
 * on it so the learner sees every check pass, with "Next step" as the way on.
 */
import { useState } from 'react';
import type { LabDetail, LabRun } from '../../../shared/domain/lab';
import { errorMessage, rpc } from '../../rpc/api';
import { setLabDetail } from '../../stores/labs';
import { LabTerminal } from './LabTerminal';
import { STEP_MARK_ICON, STEP_MARK_LABEL, stepMark } from './lab-format';
import { StepPanel } from './StepPanel';

export function LabWorkspace({ detail, run }: { detail: LabDetail; run: LabRun }) {
  const [open, setOpen] = useState(Math.min(run.currentStep, detail.steps.length - 1));
  const [error, setError] = useState<string | null>(null);
  const labId = detail.summary.id;

  const go = async (step: number) => {
    setError(null);
    try {
      setLabDetail(await rpc().call('labs.goto', { labId, step }));
      setOpen(step);
    } catch (err) {
      setError(`Could not move to step ${step + 1}: ${errorMessage(err)}`);
    }
  };

  const step = detail.steps[open];
  return (
    <div className="lab-workspace">
      <nav className="lab-steps" aria-label="Steps">
        <ol>
          {detail.steps.map((s) => {
            const mark = stepMark(run, s.index);
            return (
              <li key={s.index} className={`lab-step lab-step-${mark}`} data-testid="lab-step" data-mark={mark}>
                <button type="button" className="lab-step-link" aria-current={s.index === open ? 'step' : undefined} onClick={() => void go(s.index)}>
                  <span className="lab-step-icon" aria-hidden="true">
                    {STEP_MARK_ICON[mark]}
                  </span>
                  <span>
                    Step {s.index + 1}: {s.title}
                  </span>
                  <span className="visually-hidden"> ({STEP_MARK_LABEL[mark]})</span>
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      <div className="lab-main">
        {error && (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        )}
        {step && <StepPanel key={open} detail={detail} run={run} step={step} onGo={(i) => void go(i)} />}
        <LabTerminal nodes={detail.nodes} />
      </div>
    </div>
  );
}
