/** What Rackpilot recognised in a failed job's output: the cause in plain words, what was seen, and the fix. */
import type { Diagnosis } from '../../../shared/domain/cluster-diagnosis';

export function DiagnosesList({ diagnoses }: { diagnoses: readonly Diagnosis[] }) {
  if (diagnoses.length === 0) return null;
  return (
    <section className="cluster-diagnoses" aria-labelledby="cluster-diagnoses-title" data-testid="cluster-diagnoses">
      <h3 id="cluster-diagnoses-title">What went wrong</h3>
      <ul>
        {diagnoses.map((d) => (
          <li key={`${d.code}:${d.detail}`} className="danger-callout">
            <p className="diagnosis-title">
              <strong>{d.title}</strong>
            </p>
            <p className="diagnosis-detail mono pre-wrap">{d.detail}</p>
            <p className="diagnosis-fix pre-wrap">
              <strong>Fix:</strong> {d.fix}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
