import type { Migration } from './migration';

/**
 * When the node's current install was armed, so the install watchdog (nodes/install-watchdog.ts)
 * can fail one that never phones home — also across a restart. A column on the node rather than
 * a look-up of the last `boot.install-requested` event: the deadline is state that changes in
 * the same write as the node's state (re-arm restarts it, phone-home and cancel clear it), and
 * the event log is history, not state. Installs armed before this version take the time of
 * their arming event.
 */
export const installClock: Migration = {
  version: 6,
  description: 'node install start time (install timeout)',
  sql: `
      ALTER TABLE nodes ADD COLUMN install_started_at TEXT;
      UPDATE nodes SET install_started_at = (
        SELECT ts FROM events
        WHERE events.subject_id = nodes.id AND events.kind = 'boot.install-requested'
        ORDER BY events.id DESC LIMIT 1
      ) WHERE state = 'installing';
    `,
};
