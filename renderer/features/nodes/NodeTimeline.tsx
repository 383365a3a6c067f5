/** A node's timeline: what happened to it, newest first, live. */
import { useEffect } from 'react';
import { followTimeline, unfollowTimeline, useTimelines } from '../../stores/timeline';
import { eventLabel, eventTone, formatTime } from '../activity/format';
import { currentInstallFailure } from './install-failure';
import { InstallFailureDetails } from './InstallFailureDetails';

export function NodeTimeline({ nodeId, nodeName }: { nodeId: string; nodeName: string }) {
  const timeline = useTimelines((s) => s.byNode[nodeId]);
  useEffect(() => {
    void followTimeline(nodeId);
    return () => unfollowTimeline(nodeId);
  }, [nodeId]);

  const titleId = `timeline-title-${nodeId}`;
  // A failed install's evidence starts unfolded while that failure is the node's latest install news.
  const openFailureId = currentInstallFailure(timeline?.events)?.id ?? null;
  return (
    <section aria-labelledby={titleId} className="timeline-section">
      <h3 id={titleId}>Timeline</h3>
      {timeline?.status === 'error' && (
        <div className="notice notice-error" role="alert">
          Could not load the timeline: {timeline.error}
        </div>
      )}
      {timeline?.status === 'ready' && timeline.events.length === 0 && <p className="muted">Nothing has happened to {nodeName} yet.</p>}
      {(!timeline || timeline.status === 'loading') && (
        <p className="muted" role="status">
          Loading the timeline…
        </p>
      )}
      <ol className="timeline" aria-label={`Timeline of ${nodeName}`}>
        {timeline?.events.map((e) => (
          <li key={e.id} className={`timeline-item tone-${eventTone(e.kind)}`} data-testid="timeline-event" data-kind={e.kind}>
            <span className="timeline-dot" aria-hidden="true" />
            <div className="timeline-head">
              <span className="timeline-label">{eventLabel(e.kind)}</span>
              <time className="muted" dateTime={e.ts}>
                {formatTime(e.ts)}
              </time>
            </div>
            <p className="timeline-summary">{e.summary}</p>
            {e.kind === 'boot.install-failed' && <InstallFailureDetails data={e.data} open={e.id === openFailureId} />}
            <p className="timeline-kind mono muted">
              {e.kind} · {e.actor}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
