/** The audit trail: who did what to which node, newest first. */
import { useEvents } from '../../stores/events';
import { formatTime } from './format';

export function EventLog() {
  const events = useEvents((s) => s.events);
  const status = useEvents((s) => s.status);
  const error = useEvents((s) => s.error);
  return (
    <section aria-labelledby="events-title" className="panel">
      <h2 id="events-title">Event log</h2>
      {status === 'error' && (
        <div className="notice notice-error" role="alert">
          Could not load the event log: {error}
        </div>
      )}
      {status === 'ready' && events.length === 0 ? (
        <p className="muted">Nothing has happened yet.</p>
      ) : (
        <table className="events" aria-labelledby="events-title">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Kind</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-testid="event">
                <td className="nowrap muted">
                  <time dateTime={e.ts}>{formatTime(e.ts)}</time>
                </td>
                <td>{e.actor}</td>
                <td className="mono">{e.kind}</td>
                <td>{e.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
