import { describe, expect, it } from 'vitest';
import type { RecipeStepEvent, StepResult } from '../../shared/domain/recipe';
import type { SshConnectionStatus } from '../../shared/domain/ssh';
import { applyStepEvents } from './recipes';
import { applySshStatuses } from './ssh-status';

const status = (nodeId: string, state: SshConnectionStatus['state'], since: string): SshConnectionStatus => ({ nodeId, state, since, lastError: null, attempts: 0 });
const step = (id: string, s: StepResult['status']): StepResult => ({ id, title: id, status: s, message: null, durationMs: 0 });
const ev = (jobId: string, index: number, s: StepResult): RecipeStepEvent => ({ jobId, nodeId: 'n', recipe: 'base', index, step: s });

describe('ssh status', () => {
  it('applies statuses per node and never rolls a newer one back', () => {
    const a = applySshStatuses({}, [status('n1', 'connecting', '2026-01-01T00:00:01Z'), status('n1', 'connected', '2026-01-01T00:00:02Z')]);
    expect(a.n1?.state).toBe('connected');
    const stale = applySshStatuses(a, [status('n1', 'idle', '2026-01-01T00:00:00Z')]);
    expect(stale).toBe(a);
    expect(applySshStatuses(a, [status('n2', 'failed', '2026-01-01T00:00:00Z')]).n2?.state).toBe('failed');
  });
});

describe('recipe step events', () => {
  it('places steps by index per job, later events replacing earlier ones', () => {
    let s = applyStepEvents({}, [ev('j1', 0, step('a', 'running')), ev('j1', 0, step('a', 'ok')), ev('j1', 2, step('c', 'running'))]);
    expect(s.j1?.map((x) => x?.status)).toEqual(['ok', undefined, 'running']);
    s = applyStepEvents(s, [ev('j2', 0, step('a', 'failed'))]);
    expect(Object.keys(s)).toEqual(['j1', 'j2']);
    expect(applyStepEvents(s, [])).toBe(s);
  });

  it('keeps a bounded number of jobs, dropping the oldest', () => {
    let s = applyStepEvents({}, [ev('j1', 0, step('a', 'ok')), ev('j2', 0, step('a', 'ok'))], 2);
    s = applyStepEvents(s, [ev('j3', 0, step('a', 'ok'))], 2);
    expect(Object.keys(s)).toEqual(['j2', 'j3']);
    s = applyStepEvents(s, [ev('j3', 1, step('b', 'ok'))], 2);
    expect(Object.keys(s)).toEqual(['j2', 'j3']);
  });

  it('ignores an index that cannot be a step', () => {
    expect(applyStepEvents({}, [ev('j1', -1, step('a', 'ok'))])).toEqual({});
  });
});
