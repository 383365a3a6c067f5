/** A lab before it starts: what it is about and needs, its steps, and where real hardware differs. */
import type { LabDetail } from '../../../shared/domain/lab';
import { durationLabel } from './lab-format';
import { Markdown } from './markdown';

export function LabIntro({ detail, onStart }: { detail: LabDetail; onStart(): void }) {
  const { summary, steps, realHardware } = detail;
  return (
    <div className="lab-intro">
      <section className="panel" aria-labelledby="lab-about-title">
        <h2 id="lab-about-title">About this lab</h2>
        <p>{summary.summary}</p>
        <p className="muted">
          About {durationLabel(summary.estimatedMinutes)}, {summary.stepCount} step{summary.stepCount === 1 ? '' : 's'}.
          {summary.reset === 'reinstall' ? ' Resetting it reinstalls its nodes.' : ''}
        </p>
        {summary.requirements.length > 0 && (
          <>
            <h3>You should already</h3>
            <ul aria-label="Requirements">
              {summary.requirements.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </>
        )}
        <h3>Nodes</h3>
        {summary.nodes.length === 0 ? (
          <p>None to pick: this lab boots its own.</p>
        ) : (
          <dl className="lab-roles" aria-label="Nodes the lab needs">
            {summary.nodes.map((n) => (
              <div key={n.role}>
                <dt className="mono">{n.role}</dt>
                <dd>
                  {n.description}
                  {n.persistent && <span className="muted"> (must keep changes across a reboot: installed to disk)</span>}
                </dd>
              </div>
            ))}
          </dl>
        )}
        <h3>Steps</h3>
        <ol aria-label="Steps of the lab">
          {steps.map((s) => (
            <li key={s.index}>{s.title}</li>
          ))}
        </ol>
        <button type="button" className="btn btn-primary" onClick={onStart}>
          Start this lab
        </button>
      </section>
      {realHardware.trim() && (
        <section className="panel" aria-labelledby="lab-real-hardware-title">
          <h2 id="lab-real-hardware-title">On real hardware</h2>
          <Markdown source={realHardware} />
        </section>
      )}
    </div>
  );
}
