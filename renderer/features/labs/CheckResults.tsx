/**
 * A step's checks with their latest results: each check's status, what it ran, what it saw, and —
 * when it failed or could not run — the lab's hint. Checks not run yet say so.
 */
import type { CheckResult, LabStepView } from '../../../shared/domain/lab';
import { formatTime } from '../activity/format';
import { CHECK_STATUS_ICON, CHECK_STATUS_LABEL, type StepChecks } from './lab-format';

export function CheckResults({ step, checks }: { step: LabStepView; checks: StepChecks | null }) {
  if (step.checks.length === 0) return null;
  const byId = new Map(checks?.results.map((r) => [r.checkId, r]));
  return (
    <ul className="lab-checks" aria-label={`Checks of step ${step.index + 1}`}>
      {step.checks.map((c) => {
        const result = byId.get(c.id);
        const status = result?.status ?? 'pending';
        return (
          <li key={c.id} className={`lab-check lab-check-${status}`} data-testid="check-result" data-check={c.id} data-status={status} aria-label={c.title}>
            <span className="lab-check-icon" aria-hidden="true">
              {CHECK_STATUS_ICON[status]}
            </span>
            <span className="lab-check-title">{c.title}</span>
            <span className={`badge lab-check-badge-${status}`}>{result ? CHECK_STATUS_LABEL[result.status] : 'not checked yet'}</span>
            {result && <Evidence result={result} />}
          </li>
        );
      })}
    </ul>
  );
}

function Evidence({ result }: { result: CheckResult }) {
  return (
    <div className="lab-check-evidence">
      <dl>
        <div>
          <dt>Ran</dt>
          <dd className="mono" data-testid="check-ran">
            {result.ran}
          </dd>
        </div>
        <div>
          <dt>Saw</dt>
          <dd>
            <pre className="lab-check-saw" data-testid="check-saw">
              {result.saw || '(nothing)'}
            </pre>
          </dd>
        </div>
      </dl>
      {result.hint && result.status !== 'pass' && (
        <p className="lab-check-hint" data-testid="check-hint">
          <strong>Hint:</strong> {result.hint}
        </p>
      )}
      <p className="muted lab-check-when">
        {formatTime(result.at)} · {(result.durationMs / 1000).toFixed(1)} s
      </p>
    </div>
  );
}
