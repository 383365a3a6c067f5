/**
 * A preflight report, one group per node: what failed or warns first, with what was seen and how
 * to fix it; the passed checks are folded away under their count.
 */
import type { PreflightCheck, PreflightReport } from '../../../shared/domain/cluster-record';
import { CHECK_ICON, CHECK_LABEL, countsLine, groupPreflight } from './report-format';

export function PreflightReportView({ report, nodes }: { report: PreflightReport; nodes: readonly { id: string; name: string }[] }) {
  const groups = groupPreflight(report, nodes);
  return (
    <section className="preflight" aria-label="Preflight results" data-testid="preflight-report" data-ok={report.ok}>
      <p className={report.ok ? 'notice preflight-ok' : 'notice notice-error'} role="status">
        {report.ok
          ? 'Preflight passed: every node can take part in the cluster.'
          : 'Preflight found problems that would make the bootstrap fail. Fix the failed checks below, then run preflight again.'}
      </p>
      {groups.map((g) => (
        <section key={g.nodeId ?? 'cluster'} className="preflight-group" aria-label={`Checks of ${g.title}`} data-testid="preflight-group">
          <h4>
            {g.title} <span className="muted preflight-counts">{countsLine(g.counts)}</span>
          </h4>
          <CheckList checks={g.checks.filter((c) => c.status !== 'pass')} />
          {g.counts.pass > 0 && (
            <details className="preflight-passed">
              <summary>
                {g.counts.pass} check{g.counts.pass === 1 ? '' : 's'} passed
              </summary>
              <CheckList checks={g.checks.filter((c) => c.status === 'pass')} />
            </details>
          )}
        </section>
      ))}
    </section>
  );
}

/** Checks with their result icon, what was seen and, when something is wrong, the fix. */
function CheckList({ checks }: { checks: readonly PreflightCheck[] }) {
  if (checks.length === 0) return null;
  return (
    <ul className="preflight-checks">
      {checks.map((c) => (
        <li key={`${c.id}-${c.nodeId ?? ''}`} className={`preflight-check check-${c.status}`} data-testid="preflight-check" data-status={c.status}>
          <span className="preflight-icon" role="img" aria-label={CHECK_LABEL[c.status]}>
            {CHECK_ICON[c.status]}
          </span>
          <span className="preflight-title">{c.title}</span>
          <span className="preflight-message">{c.message}</span>
          {c.fix && <p className="preflight-fix">Fix: {c.fix}</p>}
        </li>
      ))}
    </ul>
  );
}
