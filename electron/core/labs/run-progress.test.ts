import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../shared/domain/lab';
import { clearedRun, fitToLab, nextIncomplete, newRun, reach, recordCheck, stepsDone } from './run-progress';

const result = (status: CheckResult['status']): CheckResult => ({ checkId: 'c', title: 'c', kind: 'command', status, ran: 'true', saw: 'exit 0', hint: null, at: 't', durationMs: 1 });
const start = () => newRun('demo', { web: 'n1' }, 3, { at: 'T0', bootIds: { web: 'b0' } });

describe('run progress', () => {
  it('a new run is on step 0, reached now with the boot ids', () => {
    const run = start();
    expect(run).toMatchObject({ labId: 'demo', startedAt: 'T0', currentStep: 0, completedAt: null, resetJobId: null });
    expect(run.steps[0]).toMatchObject({ reachedAt: 'T0', bootIds: { web: 'b0' }, completedAt: null });
    expect(run.steps[1]?.reachedAt).toBeNull();
  });

  it('a failing check records the results and stays put', () => {
    const out = recordCheck(start(), 0, [result('pass'), result('fail')], 'T1');
    expect(out).toMatchObject({ passed: false, advanced: false, movedTo: null });
    expect(out.run.currentStep).toBe(0);
    expect(out.run.steps[0]?.lastCheck).toMatchObject({ at: 'T1', passed: false });
    // An error (could not run) is not a pass either.
    expect(recordCheck(start(), 0, [result('error')], 'T1').passed).toBe(false);
  });

  it('passing the current step completes it and moves to the next step not done; the last one completes the lab', () => {
    let run = start();
    let out = recordCheck(run, 0, [result('pass')], 'T1');
    expect(out).toMatchObject({ passed: true, advanced: true, movedTo: 1 });
    run = reach(out.run, 1, { at: 'T1', bootIds: {} });
    expect(run.steps[0]?.completedAt).toBe('T1');
    // Skip ahead: step 2 done while on step 1 does not move the learner.
    out = recordCheck(run, 2, [], 'T2');
    expect(out).toMatchObject({ advanced: true, movedTo: null });
    expect(out.run.currentStep).toBe(1);
    out = recordCheck(out.run, 1, [result('pass')], 'T3');
    expect(out.run.completedAt).toBe('T3');
    expect(stepsDone(out.run)).toBe(3);
    // Checking a done step again does not "advance" it twice.
    expect(recordCheck(out.run, 1, [result('pass')], 'T4').advanced).toBe(false);
  });

  it('next incomplete wraps around to an earlier step left undone', () => {
    const run = recordCheck(recordCheck(start(), 1, [], 'T1').run, 2, [], 'T2').run;
    expect(nextIncomplete(run, 2)).toBe(0);
  });

  it('reaching a step twice keeps the first time; reset clears progress, keeps nodes', () => {
    const run = reach(start(), 0, { at: 'LATER', bootIds: { web: 'b9' } });
    expect(run.steps[0]).toMatchObject({ reachedAt: 'T0', bootIds: { web: 'b0' } });
    const cleared = clearedRun(recordCheck(run, 0, [result('pass')], 'T1').run, 3);
    expect(cleared).toMatchObject({ nodes: { web: 'n1' }, currentStep: 0, completedAt: null });
    expect(cleared.steps.every((s) => s.completedAt === null && s.reachedAt === null)).toBe(true);
  });

  it('a lab whose author changed its step count keeps the progress of the steps still there', () => {
    const run = recordCheck(start(), 0, [result('pass')], 'T1').run;
    const longer = fitToLab(run, 5);
    expect(longer.steps).toHaveLength(5);
    expect(longer.steps[0]?.completedAt).toBe('T1');
    expect(fitToLab({ ...run, currentStep: 2 }, 2).currentStep).toBe(1);
  });
});
