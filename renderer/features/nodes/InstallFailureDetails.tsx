/**
 * The evidence of a timed-out install under its timeline entry: the node's last boot events and,
 * for a practice-rack node, the end of its serial console. Folded by default — a timeline is read
 * at a glance — and open on the newest failure, which is the one a person came to look at.
 */
import { isInstallFailureData } from '../../../shared/domain/install-failure';
import { eventLabel, formatTime } from '../activity/format';
import { consoleTail } from '../rack/console-text';

export function InstallFailureDetails({ data, open }: { data: unknown; open: boolean }) {
  if (!isInstallFailureData(data)) return null;
  // The core starts the tail on a whole line; only escapes and carriage returns need cleaning.
  const shown = data.consoleTail ? consoleTail(data.consoleTail, false).text : null;
  return (
    <details className="timeline-details" open={open} data-testid="install-failure-details">
      <summary>{shown ? 'Last boot events and console' : 'Last boot events'}</summary>
      <ol className="timeline-details-events" aria-label="Last events before the timeout, oldest first">
        {data.lastEvents.map((e, i) => (
          <li key={i}>
            <time className="muted" dateTime={e.ts}>
              {formatTime(e.ts)}
            </time>{' '}
            <strong>{eventLabel(e.kind)}</strong>: {e.summary}
          </li>
        ))}
      </ol>
      {shown && (
        <pre className="job-log timeline-console" tabIndex={0} aria-label="End of the serial console when the install timed out" data-testid="install-failure-console">
          {shown}
        </pre>
      )}
    </details>
  );
}
