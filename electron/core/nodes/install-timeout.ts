/**
 * The install watchdog's judgement, as plain functions: is an install overdue, and what to tell
 * the person whose node never phoned home — how long Rackpilot waited, what the node last did
 * on the boot path, and where to look next. "Install failed" alone sends people to a forum.
 */
import type { AuditEvent } from '../../../shared/domain/event';
import type { InstallFailureEvent } from '../../../shared/domain/install-failure';

/** Timeline events copied into the failure event. */
export const LAST_EVENTS = 5;
/** Console bytes copied into the failure event: the last screenful or two. */
export const CONSOLE_TAIL_BYTES = 4096;

export function isOverdue(startedAtMs: number, nowMs: number, timeoutMinutes: number): boolean {
  return nowMs - startedAtMs >= timeoutMinutes * 60_000;
}

/**
 * The node's events since its install was last armed, oldest first (the arming event included),
 * from its timeline as the event log lists it (newest first). Found by order, not by time: the
 * arming event is the boundary whatever the clocks say.
 */
export function eventsSinceArming(newestFirst: readonly AuditEvent[]): { arming: AuditEvent | null; events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  for (const e of newestFirst) {
    events.push(e);
    if (e.kind === 'boot.install-requested') return { arming: e, events: events.reverse() };
  }
  return { arming: null, events: events.reverse() };
}

export function lastEvents(events: readonly AuditEvent[]): InstallFailureEvent[] {
  return events.slice(-LAST_EVENTS).map(({ kind, summary, ts }) => ({ kind, summary, ts }));
}

/** The newest event of the boot path itself (DHCP, TFTP, HTTP, seed…), not the arming. */
export function lastBootEvent(events: readonly AuditEvent[]): AuditEvent | undefined {
  return events.filter((e) => e.kind.startsWith('boot.') && e.kind !== 'boot.install-requested').at(-1);
}

/**
 * The console tail as evidence: a tail cut mid-line starts with a fragment — possibly the end of
 * a seed token too short to be recognised and masked — so it starts at the first whole line.
 */
export function consoleEvidence(tail: { text: string; truncated: boolean } | null): string | null {
  if (!tail) return null;
  let text = tail.text;
  if (tail.truncated) {
    const nl = text.indexOf('\n');
    text = nl === -1 ? '' : text.slice(nl + 1);
  }
  return text.trim() === '' ? null : text;
}

export interface TimeoutFacts {
  timeoutMinutes: number;
  /** When the install was armed (ISO). */
  armedAt: string;
  last: Pick<AuditEvent, 'kind' | 'summary' | 'ts'> | undefined;
}

/** e.g. "no phone-home within 60 min; last boot event: served user-data (seed) at 12:03:11 (5 min after arming). Check …" */
export function timeoutReason({ timeoutMinutes, armedAt, last }: TimeoutFacts): string {
  const waited = `no phone-home within ${formatSpan(timeoutMinutes * 60_000)}`;
  if (!last) return `${waited}; the node has not network-booted since it was armed. ${nextStep(undefined)}`;
  const after = Date.parse(last.ts) - Date.parse(armedAt);
  const when = Number.isFinite(after) && after >= 0 ? ` (${formatSpan(after)} after arming)` : '';
  return `${waited}; last boot event: ${last.summary} at ${clockTime(last.ts)}${when}. ${nextStep(last)}`;
}

/** Where to look, judged by how far the node got. */
function nextStep(last: Pick<AuditEvent, 'kind' | 'summary'> | undefined): string {
  if (!last) {
    return 'Check that it is powered on and boots from the network first, and that the boot services are running and reachable from its network.';
  }
  if (last.kind === 'boot.dhcp' || last.kind === 'boot.tftp') {
    return "It got an answer to its network boot but never fetched its boot script: check the node's console, and that the boot HTTP server is reachable from the node.";
  }
  if (last.kind === 'boot.error') {
    return "That is an error on the boot path: fix what it says, then Rebuild the node.";
  }
  if (/\(seed\)/.test(last.summary)) {
    return "It read its seed but never phoned home: check the node's console for installer or cloud-init errors; the phone-home URL must be reachable from the node.";
  }
  return "Check the node's console; the seed/phone-home URL must be reachable from the node.";
}

/** "40 s", "5 min", "2 h 5 min". */
export function formatSpan(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** Local wall-clock time, HH:MM:SS: what the person compares with the node's console. */
function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
