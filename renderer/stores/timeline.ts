/**
 * Node timelines: the audit trail filtered by node (`events.list` with subjectId), fetched when
 * someone opens a node and then kept live from `events.appended`. Only followed nodes are kept.
 */
import { create } from 'zustand';
import type { AuditEvent } from '../../shared/domain/event';
import { errorMessage, rpc } from '../rpc/api';
import { coalesce } from './coalesce';
import { prependEvents } from './events';

const LIMIT = 200;

export interface Timeline {
  events: AuditEvent[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
}

interface TimelinesStore {
  byNode: Record<string, Timeline>;
}

export const useTimelines = create<TimelinesStore>()(() => ({ byNode: {} }));

/** Adds appended events to the timelines of the nodes they are about (pure; exported for tests). */
export function applyToTimelines(byNode: Record<string, Timeline>, appended: AuditEvent[]): Record<string, Timeline> {
  let next = byNode;
  for (const e of appended) {
    const subject = e.subjectId;
    const timeline = subject ? next[subject] : undefined;
    if (!subject || !timeline) continue; // nobody is looking at this node
    const events = prependEvents(timeline.events, [e]);
    if (events !== timeline.events) next = { ...next, [subject]: { ...timeline, events } };
  }
  return next;
}

/** The union of two event lists, newest first (a fetch and pushed events can overlap). */
export function mergeEvents(a: AuditEvent[], b: AuditEvent[]): AuditEvent[] {
  const byId = new Map(a.map((e) => [e.id, e]));
  for (const e of b) byId.set(e.id, e);
  return [...byId.values()].sort((x, y) => y.id - x.id).slice(0, LIMIT);
}

const pending = coalesce<AuditEvent>((appended) => useTimelines.setState((s) => ({ byNode: applyToTimelines(s.byNode, appended) })));

export const onTimelineEvent = (e: AuditEvent) => pending.push(e);

export async function followTimeline(nodeId: string): Promise<void> {
  useTimelines.setState((s) => ({
    byNode: { ...s.byNode, [nodeId]: s.byNode[nodeId] ?? { events: [], status: 'loading', error: null } },
  }));
  pending.hold();
  try {
    const events = await rpc().call('events.list', { subjectId: nodeId, limit: LIMIT });
    useTimelines.setState((s) => {
      const have = s.byNode[nodeId];
      if (!have) return s; // closed meanwhile
      return { byNode: { ...s.byNode, [nodeId]: { events: mergeEvents(have.events, events), status: 'ready', error: null } } };
    });
  } catch (err) {
    useTimelines.setState((s) =>
      s.byNode[nodeId] ? { byNode: { ...s.byNode, [nodeId]: { events: s.byNode[nodeId].events, status: 'error', error: errorMessage(err) } } } : s,
    );
  } finally {
    pending.release();
  }
}

export function unfollowTimeline(nodeId: string): void {
  useTimelines.setState((s) => {
    const { [nodeId]: _dropped, ...rest } = s.byNode;
    return { byNode: rest };
  });
}

/** After a reconnect, events may have been missed: fetch the followed timelines again. */
export async function reloadFollowedTimelines(): Promise<void> {
  await Promise.all(Object.keys(useTimelines.getState().byNode).map((id) => followTimeline(id)));
}
