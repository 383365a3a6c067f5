/** The latest things that happened on the boot path, from the audit trail. */
import { useMemo } from 'react';
import { routeHref } from '../../router';
import { isBootEvent } from '../../stores/boot';
import { useEvents } from '../../stores/events';
import { eventLabel, formatTime } from '../activity/format';

const SHOW = 50;

export function RecentBootEvents() {
  const events = useEvents((s) => s.events);
  const status = useEvents((s) => s.status);
  const boot = useMemo(() => events.filter(isBootEvent).slice(0, SHOW), [events]);
  return (
    <section aria-labelledby="boot-events-title" className="panel">
      <h2 id="boot-events-title">Recent boot events</h2>
      {status === 'ready' && boot.length === 0 ? (
        <p className="muted">No boot events yet. DHCP requests, TFTP and HTTP downloads, discoveries and installs will show up here.</p>
      ) : (
        <table className="events" aria-labelledby="boot-events-title">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">What</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {boot.map((e) => (
              <tr key={e.id} data-testid="boot-event">
                <td className="nowrap muted">
                  <time dateTime={e.ts}>{formatTime(e.ts)}</time>
                </td>
                <td className="nowrap" title={e.kind}>
                  {eventLabel(e.kind)}
                </td>
                <td>
                  {e.subjectId ? <a href={routeHref('nodes', e.subjectId)}>{e.summary}</a> : e.summary}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
