/** A recipe run's steps: status icon and colour, title, duration and what was found or done. */
import type { StepResult, StepStatus } from '../../../shared/domain/recipe';
import { formatDuration, stepStatusLabel } from './recipe-view';

const ICON: Record<StepStatus, string> = {
  pending: '○',
  running: '◔',
  ok: '✓',
  changed: '●',
  failed: '✕',
  skipped: '–',
};

export function StepList({ steps, checkOnly, label }: { steps: readonly StepResult[]; checkOnly: boolean; label: string }) {
  if (steps.length === 0) return <p className="muted">No steps reported yet.</p>;
  return (
    <ol className="steps" aria-label={label}>
      {steps.map((s, i) => (
        <li key={`${s.id}-${i}`} className={`step step-${s.status}`} data-testid="recipe-step" data-status={s.status}>
          <span className="step-icon" aria-hidden="true">
            {ICON[s.status]}
          </span>
          <span className="step-title">{s.title}</span>
          <span className={`badge step-badge step-badge-${s.status}`}>{stepStatusLabel(s.status, checkOnly)}</span>
          <span className="step-time muted">{s.status === 'pending' || s.status === 'running' ? '' : formatDuration(s.durationMs)}</span>
          {s.message && <p className="step-message">{s.message}</p>}
        </li>
      ))}
    </ol>
  );
}
