import { describe, expect, it } from 'vitest';
import type { StackPlan, StackTemplate } from '../../../shared/domain/stack';
import { applyPull } from '../../stores/stacks';
import { appendCapped, appendInTimeOrder, highlightSegments, lineMatches, shortTime } from './log-search';
import { checkNewStack, defaultValues } from './new-stack-form';
import { planBlocked, planSummary, sortActions } from './plan-format';
import { variablesFromRows } from './variables-form';

describe('variables', () => {
  it('turns rows into a record, dropping blank rows', () => {
    expect(variablesFromRows([{ key: 1, name: ' PORT ', value: '8080' }, { key: 2, name: '', value: '' }])).toEqual({ variables: { PORT: '8080' } });
  });
  it('refuses bad and repeated names, per row', () => {
    const r = variablesFromRows([
      { key: 1, name: '1X', value: 'a' },
      { key: 2, name: 'A', value: 'a' },
      { key: 3, name: 'A', value: 'b' },
    ]);
    expect('errors' in r && Object.keys(r.errors)).toEqual(['1', '3']);
  });
});

describe('new stack form', () => {
  const template: StackTemplate = {
    id: 'gitea',
    title: 'Gitea',
    description: '',
    variables: [
      { name: 'DB_PASSWORD', label: 'Database password', default: '', required: true, secret: true, help: '' },
      { name: 'PORT', label: 'Port', default: '3000', required: false, secret: false, help: '' },
    ],
  };
  it('needs a valid, unused name and the required values', () => {
    expect(checkNewStack('', [], null, {})?.name).toBe('Enter a name for the stack');
    expect(checkNewStack('Web', [], null, {})?.name).toMatch(/lowercase/);
    expect(checkNewStack('web', ['web'], null, {})?.name).toMatch(/already exists/);
    expect(checkNewStack('git', [], template, defaultValues(template))?.values).toEqual({ DB_PASSWORD: 'Database password is required' });
    expect(checkNewStack('git', [], template, { ...defaultValues(template), DB_PASSWORD: 's3cret' })).toBeNull();
  });
});

describe('plans', () => {
  const plan: StackPlan = {
    nodeId: 'local',
    name: 'site',
    version: 'current',
    actions: [
      { action: 'keep', service: 'db', container: 'site-db-1', reasons: [] },
      { action: 'recreate', service: 'web', container: 'site-web-1', reasons: ['config changed: environment'] },
      { action: 'create', service: 'cache', container: 'site-cache-1', reasons: [] },
    ],
    resources: [{ action: 'missing-external', kind: 'network', name: 'proxy' }],
    pulls: [],
    noop: false,
    planHash: 'abc',
  };
  it('puts changes first and summarises them', () => {
    expect(sortActions(plan.actions).map((a) => a.action)).toEqual(['create', 'recreate', 'keep']);
    expect(planSummary(plan)).toBe('1 to create, 1 to recreate, 1 kept, 1 external resource missing');
    expect(planSummary({ ...plan, noop: true })).toMatch(/^Nothing to change/);
  });
  it('blocks a deploy while an external resource is missing, and says what to do', () => {
    expect(planBlocked(plan)).toBe('Create the network proxy on the node first: the stack declares it external.');
    expect(planBlocked({ ...plan, resources: [] })).toBeNull();
  });
});

describe('log search', () => {
  const line = { service: 'web', container: 'site-web-1', stream: 'stdout' as const, time: '2026-03-04T05:06:07.123456789Z', text: 'GET /index.html [200]' };
  it('matches plain text, case-insensitively', () => {
    expect(lineMatches(line, 'index.HTML [200')).toBe(true);
    expect(lineMatches(line, 'POST')).toBe(false);
    expect(lineMatches(line, '')).toBe(true);
  });
  it('splits a line around every match', () => {
    expect(highlightSegments('a-b-A', 'a')).toEqual([
      { text: 'a', match: true },
      { text: '-b-', match: false },
      { text: 'A', match: true },
    ]);
  });
  it('keeps the newest lines only', () => {
    expect(appendCapped([1, 2, 3], [4, 5], 3)).toEqual([3, 4, 5]);
  });
  it('merges batches by time, keeping arrival order for equal or missing times', () => {
    const at = (service: string, s: number, text = service) => ({ ...line, service, text, time: `2026-03-04T05:06:0${s}.000000000Z` });
    const web = [at('web', 1), at('web', 4)];
    const worker = [at('worker', 2), at('worker', 4, 'w4'), at('worker', 5)];
    expect(appendInTimeOrder(web, worker, 100).map((l) => l.text)).toEqual(['web', 'worker', 'web', 'w4', 'worker']);
    expect(appendInTimeOrder(web, worker, 2).map((l) => l.text)).toEqual(['w4', 'worker']);
    const untimed = [{ ...line, time: null, text: 'a' }];
    expect(appendInTimeOrder(untimed, [{ ...line, time: null, text: 'b' }], 100).map((l) => l.text)).toEqual(['a', 'b']);
  });
  it('shortens Docker times', () => {
    expect(shortTime(line.time)).toBe('2026-03-04 05:06:07.123');
    expect(shortTime('2026-03-04T05:06:07Z')).toBe('2026-03-04 05:06:07.000');
    expect(shortTime(null)).toBe('');
  });
});

describe('pull progress', () => {
  it('keeps the newest progress per job and image', () => {
    const p = { jobId: 'j1', image: 'web:1', current: 1, total: 10, layers: [], done: false, error: null };
    const once = applyPull({}, p);
    const twice = applyPull(once, { ...p, current: 10, done: true });
    expect(twice.j1?.['web:1']?.done).toBe(true);
    expect(applyPull(twice, { ...p, image: 'db:1' }).j1 && Object.keys(applyPull(twice, { ...p, image: 'db:1' }).j1 ?? {})).toEqual(['web:1', 'db:1']);
  });
});
