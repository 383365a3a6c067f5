/** The clean-wipe check after a teardown: per node, clean, or what was left behind and how to remove it. */
import type { CleanWipeReport } from '../../../shared/domain/cluster-record';
import { formatTime } from '../activity/format';

export function WipeReportView({ report }: { report: CleanWipeReport }) {
  const clean = report.nodes.every((n) => n.clean);
  return (
    <section className="wipe-report" aria-label="Wipe check" data-testid="wipe-report" data-clean={clean}>
      <h4>
        Wipe check <span className="muted">{formatTime(report.checkedAt)}</span>
      </h4>
      <ul className="wipe-nodes">
        {report.nodes.map((n) => (
          <li key={n.nodeId} className="wipe-node" data-testid="wipe-node" data-clean={n.clean}>
            <span className={`badge ${n.clean ? 'state-ready' : 'state-failed'}`}>{n.clean ? 'clean' : n.error ? 'not checked' : `${n.leftovers.length} left over`}</span>{' '}
            <strong>{n.name}</strong>
            {n.clean && <span className="muted"> — nothing of the cluster is left on this node.</span>}
            {n.error && <p className="field-error">Could not check {n.name}: {n.error}</p>}
            {n.leftovers.length > 0 && (
              <ul className="wipe-leftovers" aria-label={`Left over on ${n.name}`}>
                {n.leftovers.map((l) => (
                  <li key={`${l.kind}:${l.item}`}>
                    <span className="muted">{l.kind}</span> <span className="mono">{l.item}</span>
                    <p className="wipe-hint">{l.hint}</p>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
