/** The audit trail, newest first: `events.list` + `events.appended`. */
import { create } from 'zustand';
import type { AuditEvent } from '../../shared/domain/event';
import { errorMessage, rpc } from '../rpc/api';
import { coalesce } from './coalesce';

/** How many events the page keeps in memory; older ones stay in the core's store. */
const KEEP = 1000;

interface EventsStore {
  events: AuditEvent[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
}

export const useEvents = create<EventsStore>()(() => ({ events: [], status: 'loading', error: null }));

export function prependEvents(events: AuditEvent[], appended: AuditEvent[]): AuditEvent[] {
  const known = new Set(events.map((e) => e.id));
  const fresh = appended.filter((e) => !known.has(e.id)).sort((a, b) => b.id - a.id);
  return fresh.length ? [...fresh, ...events].slice(0, KEEP) : events;
}

const pending = coalesce<AuditEvent>((appended) =>
  useEvents.setState((s) => ({ events: prependEvents(s.events, appended) })),
);

export const onEventAppended = (e: AuditEvent) => pending.push(e);

export async function loadEvents(): Promise<void> {
  pending.hold();
  try {
    const events = await rpc().call('events.list', { limit: 200 });
    useEvents.setState({ events: [...events].sort((a, b) => b.id - a.id), status: 'ready', error: null });
  } catch (err) {
    useEvents.setState({ status: 'error', error: errorMessage(err) });
  } finally {
    pending.release();
  }
}
