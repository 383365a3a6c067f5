import { describe, expect, it, vi } from 'vitest';
import type { AssetStatus } from '../../shared/domain/asset';
import type { AuditEvent } from '../../shared/domain/event';
import type { Job, JobLogLine } from '../../shared/domain/job';
import type { Node } from '../../shared/domain/node';
import type { Profile } from '../../shared/domain/profile';
import { withRunningJobs } from './assets';
import { coalesce } from './coalesce';
import { prependEvents } from './events';
import { applyJobChanges, latestJobByNode, mergeLogLines } from './jobs';
import { applyNodeChanges } from './nodes';
import { applyProfileChanges } from './profiles';
import { applyToTimelines, mergeEvents, type Timeline } from './timeline';

const n = (id: string, name = id) => ({ id, name }) as Node;
const job = (id: string, createdAt: string, nodeId: string | null = null) => ({ id, createdAt, nodeId, state: 'running' }) as Job;
const line = (seq: number) => ({ jobId: 'j', seq, ts: '', stream: 'info', line: `l${seq}` }) as JobLogLine;
const ev = (id: number) => ({ id }) as AuditEvent;

describe('store reducers', () => {
  it('applies node upserts and removes in order', () => {
    const out = applyNodeChanges([n('a'), n('b')], [
      { op: 'upsert', node: n('a', 'renamed') },
      { op: 'upsert', node: n('c') },
      { op: 'remove', id: 'b' },
    ]);
    expect(out.map((x) => `${x.id}:${x.name}`)).toEqual(['a:renamed', 'c:c']);
  });

  it('keeps jobs newest first and finds each node’s latest job', () => {
    const jobs = applyJobChanges([job('1', '2026-01-01T00:00:01Z', 'n1')], [job('2', '2026-01-01T00:00:02Z', 'n1')]);
    expect(jobs.map((j) => j.id)).toEqual(['2', '1']);
    expect(latestJobByNode(jobs).get('n1')?.id).toBe('2');
  });

  it('merges log lines without duplicates, in seq order', () => {
    expect(mergeLogLines([line(1), line(2)], [line(3)]).map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(mergeLogLines([line(1), line(3)], [line(2), line(3)]).map((l) => l.seq)).toEqual([1, 2, 3]);
    const same = [line(1)];
    expect(mergeLogLines(same, [])).toBe(same);
  });

  it('prepends new events newest first and ignores ones already known', () => {
    expect(prependEvents([ev(2), ev(1)], [ev(3), ev(2), ev(4)]).map((e) => e.id)).toEqual([4, 3, 2, 1]);
  });
});

describe('coalesce', () => {
  it('applies pushed items in one batch, and holds them while a list loads', () => {
    vi.useFakeTimers();
    const batches: number[][] = [];
    const c = coalesce<number>((items) => batches.push(items), 10);
    c.push(1);
    c.push(2);
    vi.advanceTimersByTime(10);
    expect(batches).toEqual([[1, 2]]);
    c.hold();
    c.push(3);
    vi.advanceTimersByTime(50);
    expect(batches).toHaveLength(1);
    c.release();
    expect(batches).toEqual([[1, 2], [3]]);
    vi.useRealTimers();
  });
});

describe('node timelines', () => {
  const on = (id: number, subjectId: string | null) => ({ id, subjectId }) as AuditEvent;
  it('adds appended events only to the timelines being followed, newest first', () => {
    const followed: Record<string, Timeline> = { a: { events: [on(1, 'a')], status: 'ready', error: null } };
    const next = applyToTimelines(followed, [on(2, 'a'), on(3, 'b'), on(4, null), on(5, 'a')]);
    expect(next.a?.events.map((e) => e.id)).toEqual([5, 2, 1]);
    expect(next).not.toHaveProperty('b');
    expect(applyToTimelines(followed, [on(9, 'b')])).toBe(followed);
  });

  it('merges a fetched timeline with events pushed meanwhile', () => {
    expect(mergeEvents([on(5, 'a'), on(3, 'a')], [on(4, 'a'), on(3, 'a'), on(1, 'a')]).map((e) => e.id)).toEqual([5, 4, 3, 1]);
  });
});

describe('profiles', () => {
  const p = (id: string, name: string, builtIn = false) => ({ id, name, builtIn }) as Profile;
  it('keeps built-ins first, the user’s own by name, and applies removes', () => {
    const out = applyProfileChanges([p('live-image', 'Live', true), p('a', 'Zed')], [
      { op: 'upsert', profile: p('b', 'alpha') },
      { op: 'upsert', profile: p('a', 'Zed 2') },
      { op: 'remove', id: 'missing' },
    ]);
    expect(out.map((x) => x.name)).toEqual(['Live', 'alpha', 'Zed 2']);
    expect(applyProfileChanges(out, [{ op: 'remove', id: 'b' }]).map((x) => x.id)).toEqual(['live-image', 'a']);
  });
});

describe('assets', () => {
  it('remembers the job the core reports running for an asset', () => {
    const a = (id: string, jobId: string | null) => ({ entry: { id }, jobId }) as AssetStatus;
    const last = { x: 'old' };
    expect(withRunningJobs(last, [a('x', null)])).toBe(last);
    expect(withRunningJobs(last, [a('x', 'j2'), a('y', 'j3')])).toEqual({ x: 'j2', y: 'j3' });
  });
});
