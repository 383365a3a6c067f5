/** A cluster job's phases, top to bottom: done, running, failed, stopped or pending, each with its icon and word. */
import { PHASE_LABEL, type PhaseStatus, type PhaseStep } from './phase-list';

const ICON: Record<PhaseStatus, string> = {
  done: '✓',
  skipped: '✓',
  running: '◔',
  failed: '✕',
  stopped: '■',
  pending: '○',
};

export function PhaseList({ steps, label }: { steps: readonly PhaseStep[]; label: string }) {
  if (steps.length === 0) return null;
  return (
    <ol className="cluster-phases" aria-label={label}>
      {steps.map((s) => (
        <li
          key={s.name}
          className={`cluster-phase phase-${s.status}`}
          data-testid="cluster-phase"
          data-status={s.status}
          aria-current={s.status === 'running' ? 'step' : undefined}
        >
          <span className="cluster-phase-icon" aria-hidden="true">
            {ICON[s.status]}
          </span>
          <span className="cluster-phase-name">{s.name}</span>
          <span className={`badge phase-badge-${s.status}`}>{PHASE_LABEL[s.status]}</span>
          {s.detail && <p className="cluster-phase-detail">{s.detail}</p>}
        </li>
      ))}
    </ol>
  );
}
