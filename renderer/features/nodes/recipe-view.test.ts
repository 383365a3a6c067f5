import { describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/domain/job';
import type { RecipeInfo, RecipeRunResult, StepResult } from '../../../shared/domain/recipe';
import { formatDuration, isCheckOnly, recipeOfJob, recipeResultOf, stepList, stepStatusLabel, summarize, summaryLabel } from './recipe-view';

const info: RecipeInfo = {
  id: 'base',
  title: 'Base system',
  description: '',
  steps: [
    { id: 'a', title: 'A' },
    { id: 'b', title: 'B' },
    { id: 'c', title: 'C' },
  ],
};
const step = (id: string, status: StepResult['status'], message: string | null = null): StepResult => ({ id, title: id.toUpperCase(), status, message, durationMs: 5 });
const job = (state: Job['state'], result: unknown = null, error: Job['error'] = null) => ({ id: 'j', kind: 'node.recipe', title: 'Run recipe "Base system" on n', state, result, error }) as Job;

describe('recipe step lists', () => {
  it('shows the declared steps as pending, overlaid with live events', () => {
    const list = stepList(info, [step('a', 'ok'), step('b', 'running')], job('running'));
    expect(list.map((s) => `${s.id}:${s.status}`)).toEqual(['a:ok', 'b:running', 'c:pending']);
    expect(stepList(info, undefined, undefined).map((s) => s.status)).toEqual(['pending', 'pending', 'pending']);
    // Without the recipe's info (list not loaded), only the reported steps.
    expect(stepList(undefined, [undefined, step('b', 'ok')], job('running')).map((s) => s.id)).toEqual(['b']);
  });

  it('prefers the finished job’s result, e.g. after a reload', () => {
    const result: RecipeRunResult = { recipe: 'base', nodeId: 'n', checkOnly: true, steps: [step('a', 'changed'), step('b', 'ok')], summary: { ok: 1, changed: 1, failed: 0, skipped: 0 } };
    const done = job('succeeded', result);
    expect(recipeResultOf(done)).toBe(result);
    expect(stepList(info, [step('a', 'running')], done)).toBe(result.steps);
    expect(isCheckOnly(done)).toBe(true);
    expect(recipeResultOf(job('running', { some: 'thing' }))).toBeNull();
  });

  it('settles running and pending steps of a job that ended without a result', () => {
    const failed = stepList(info, [step('a', 'ok'), step('b', 'running')], job('failed', null, { code: 'E_SSH_DISCONNECTED', message: 'dropped' }));
    expect(failed.map((s) => `${s.status}:${s.message}`)).toEqual(['ok:null', 'failed:dropped', 'skipped:Not run.']);
    const cancelled = stepList(info, [step('a', 'running')], job('cancelled'));
    expect(cancelled[0]).toMatchObject({ status: 'skipped', message: 'Stopped: the job was cancelled.' });
  });

  it('counts outcomes and labels them for check mode', () => {
    const s = summarize([step('a', 'ok'), step('b', 'changed'), step('c', 'running'), step('d', 'skipped'), step('e', 'ok')]);
    expect(s).toEqual({ ok: 2, changed: 1, failed: 0, skipped: 1 });
    expect(summaryLabel(s, true)).toBe('ok 2 · would change 1 · failed 0 · skipped 1');
    expect(stepStatusLabel('changed', false)).toBe('changed');
    expect(stepStatusLabel('changed', true)).toBe('would change');
    expect(isCheckOnly({ title: 'Check recipe "Docker" on a', result: null } as Job)).toBe(true);
  });

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(95_000)).toBe('1 min 35 s');
    expect(formatDuration(-1)).toBe('');
  });

  it('finds the recipe a job runs, from its result or its title', () => {
    const other: RecipeInfo = { ...info, id: 'docker', title: 'Docker Engine' };
    expect(recipeOfJob(job('running'), [other, info])).toBe(info);
    expect(recipeOfJob(job('succeeded', { recipe: 'docker', steps: [], summary: {} }), [info, other])).toBe(other);
    expect(recipeOfJob({ ...job('running'), title: 'Something else' }, [info])).toBeUndefined();
  });
});
