/** The Logs tab's search: which lines match, and the parts of a line to highlight (pure). */
import type { StackLogLine } from '../../../shared/domain/stack';

/** Case-insensitive, plain text (no regex: users paste log text with brackets and dots). */
export function lineMatches(line: StackLogLine, query: string): boolean {
  if (!query) return true;
  return line.text.toLowerCase().includes(query.toLowerCase());
}

export interface Segment {
  text: string;
  match: boolean;
}

export function highlightSegments(text: string, query: string): Segment[] {
  if (!query) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const segments: Segment[] = [];
  let at = 0;
  for (let hit = lower.indexOf(q); hit !== -1; hit = lower.indexOf(q, hit + q.length)) {
    if (hit > at) segments.push({ text: text.slice(at, hit), match: false });
    segments.push({ text: text.slice(hit, hit + q.length), match: true });
    at = hit + q.length;
  }
  if (at < text.length) segments.push({ text: text.slice(at), match: false });
  return segments;
}

/** Appends a batch, keeping the newest `max` lines so a chatty container cannot fill memory. */
export function appendCapped<T>(lines: readonly T[], batch: readonly T[], max: number): T[] {
  const all = lines.concat(batch);
  return all.length > max ? all.slice(all.length - max) : all;
}

/**
 * Appends a batch in time order. Each container's tail arrives as its own batch, so without this
 * the lines of one service would all come before another's. Docker's times have a fixed width
 * (nanoseconds, UTC), so they compare as strings; lines without a time keep arrival order.
 */
export function appendInTimeOrder(lines: readonly StackLogLine[], batch: readonly StackLogLine[], max: number): StackLogLine[] {
  const last = lines[lines.length - 1]?.time;
  const inOrder = batch.every((l, i) => {
    const before = i === 0 ? last : batch[i - 1]?.time;
    return !l.time || !before || before <= l.time;
  });
  if (inOrder) return appendCapped(lines, batch, max);
  // Array.prototype.sort is stable: equal times keep their arrival order.
  const sorted = lines.concat(batch).sort((a, b) => (a.time && b.time ? (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) : 0));
  return sorted.length > max ? sorted.slice(sorted.length - max) : sorted;
}

/** Docker's RFC 3339 time with nanoseconds, shortened for the log view: "2026-01-02 10:11:12.345". */
export function shortTime(time: string | null): string {
  if (!time) return '';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d{1,3})?/.exec(time);
  return m ? `${m[1]} ${m[2]}${(m[3] ?? '.000').padEnd(4, '0')}` : time;
}
