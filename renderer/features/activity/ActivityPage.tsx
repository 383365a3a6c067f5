/** What Rackpilot is doing (jobs) and what has happened (the audit trail). */
import { EventLog } from './EventLog';
import { JobsList } from './JobsList';

export function ActivityPage() {
  return (
    <section className="page-section activity-page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Activity</h1>
      </div>
      <JobsList />
      <EventLog />
    </section>
  );
}
