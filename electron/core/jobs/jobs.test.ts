import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/domain/job';
import { RackpilotError } from '../../../shared/errors';
import { createTempApp, type TempApp } from '../testing/temp-app';

let t: TempApp;
afterEach(async () => t?.close());

describe('jobs service', () => {
  it('persists phases, progress, log lines and the result, and pushes each change', async () => {
    t = createTempApp();
    const pushed: Job[] = [];
    t.client.subscribe('jobs.changed', (j) => pushed.push(j));
    const { jobs } = t.app.services;
    const started = jobs.start({ kind: 'test.count', title: 'Count to three', phases: ['one', 'two', 'three'] }, async (ctx) => {
      for (const p of ['one', 'two', 'three']) {
        ctx.phase(p);
        ctx.log(`in ${p}\nsecond line\n`);
      }
      return { counted: 3 };
    });
    const job = await jobs.settled(started.id);
    expect(job).toMatchObject({ state: 'succeeded', phase: 'three', progress: 1, result: { counted: 3 } });
    const logs = await t.client.call('jobs.logs', { id: job.id });
    expect(logs.map((l) => [l.seq, l.line])).toEqual([
      [1, 'in one'], [2, 'second line'], [3, 'in two'], [4, 'second line'], [5, 'in three'], [6, 'second line'],
    ]);
    expect((await t.client.call('jobs.logs', { id: job.id, afterSeq: 4 })).map((l) => l.seq)).toEqual([5, 6]);
    await expect.poll(() => pushed.at(-1)?.state).toBe('succeeded');
  });

  it('records a thrown RackpilotError as the job error, and an unexpected one without its stack', async () => {
    t = createTempApp();
    const { jobs } = t.app.services;
    const a = jobs.start({ kind: 't', title: 'A', phases: [] }, async () => {
      throw new RackpilotError('E_UNREACHABLE', 'node is off');
    });
    const b = jobs.start({ kind: 't', title: 'B', phases: [] }, async () => {
      throw new TypeError('undefined is not a function');
    });
    expect((await jobs.settled(a.id)).error).toEqual({ code: 'E_UNREACHABLE', message: 'node is off' });
    const err = (await jobs.settled(b.id)).error;
    expect(err?.code).toBe('E_INTERNAL');
    expect(err?.message).not.toContain('undefined is not a function');
  });

  it('caps log lines per job and long lines, saying so', async () => {
    t = createTempApp();
    const { jobs } = t.app.services;
    const job = jobs.start({ kind: 't', title: 'Chatty', phases: [] }, async (ctx) => {
      ctx.log('x'.repeat(20_000));
      for (let i = 0; i < 50_010; i++) ctx.log(`line ${i}`);
    });
    await jobs.settled(job.id);
    const first = await t.client.call('jobs.logs', { id: job.id, limit: 1 });
    expect(first[0]?.line.length).toBeLessThan(8300);
    const tail = await t.client.call('jobs.logs', { id: job.id, afterSeq: 49_999 });
    expect(tail.map((l) => l.line)).toEqual(['line 49998', '… log truncated after 50000 lines']);
  });

  it('cancelling a finished job is a harmless no-op; an unknown job is E_NOT_FOUND', async () => {
    t = createTempApp();
    const { jobs } = t.app.services;
    const job = await jobs.settled(jobs.start({ kind: 't', title: 'Quick', phases: [] }, async () => 1).id);
    expect((await t.client.call('jobs.cancel', { id: job.id })).state).toBe('succeeded');
    await expect(t.client.call('jobs.cancel', { id: 'nope' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
