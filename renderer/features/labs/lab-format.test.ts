import { describe, expect, it } from 'vitest';
import type { CheckResult, LabCatalog, LabRun, LabStepProgress, LabSummary, StepCheckReport } from '../../../shared/domain/lab';
import { applyRunToCatalog, needsRefetch, progressOfRun } from '../../stores/labs';
import { assignmentProblem, checksLine, durationLabel, folderName, issueLocation, latestChecks, openLabel, progressLine, progressPercent, stepMark } from './lab-format';
import { autoCheckDue } from './use-lab-check';

const step = (changes: Partial<LabStepProgress> = {}): LabStepProgress => ({
  reachedAt: null,
  bootIds: {},
  completedAt: null,
  solutionShown: false,
  lastCheck: null,
  ...changes,
});
const run = (changes: Partial<LabRun> = {}): LabRun => ({
  labId: 'web',
  startedAt: '2026-11-24T10:00:00.000Z',
  nodes: { web: 'n1' },
  currentStep: 0,
  steps: [step(), step(), step()],
  completedAt: null,
  resetJobId: null,
  ...changes,
});
const result = (checkId: string, status: CheckResult['status'], at: string): CheckResult => ({
  checkId,
  title: checkId,
  kind: 'file',
  status,
  ran: 'test -f /tmp/x',
  saw: 'exit 1',
  hint: status === 'pass' ? null : 'Create it',
  at,
  durationMs: 12,
});

describe('lab progress', () => {
  it('reads a run as the catalog does', () => {
    expect(progressOfRun(null)).toEqual({ started: false, stepsDone: 0, currentStep: 0, completed: false });
    const r = run({ currentStep: 1, steps: [step({ completedAt: 'x' }), step(), step()] });
    expect(progressOfRun(r)).toEqual({ started: true, stepsDone: 1, currentStep: 1, completed: false });
  });

  it('says where the learner is in words and as a percentage', () => {
    expect(progressLine(progressOfRun(null), 3)).toBe('Not started');
    expect(progressLine({ started: true, stepsDone: 1, currentStep: 1, completed: false }, 3)).toBe('Step 2 of 3 · 1 done');
    expect(progressLine({ started: true, stepsDone: 3, currentStep: 2, completed: true }, 3)).toBe('Completed');
    expect(progressPercent({ started: true, stepsDone: 1, currentStep: 1, completed: false }, 3)).toBe(33);
    expect(progressPercent({ started: true, stepsDone: 3, currentStep: 2, completed: true }, 3)).toBe(100);
    expect(progressPercent(progressOfRun(null), 0)).toBe(0);
    expect([openLabel(progressOfRun(null)), openLabel(progressOfRun(run())), openLabel({ started: true, stepsDone: 3, currentStep: 2, completed: true })]).toEqual([
      'Open',
      'Continue',
      'Review',
    ]);
  });

  it('marks steps done, current or to do', () => {
    const r = run({ currentStep: 1, steps: [step({ completedAt: 'x' }), step(), step()] });
    expect([0, 1, 2].map((i) => stepMark(r, i))).toEqual(['done', 'current', 'todo']);
    expect(stepMark(null, 0)).toBe('todo');
  });

  it('updates one lab of the catalog from a pushed run', () => {
    const summary = { id: 'web', progress: progressOfRun(null) } as LabSummary;
    const other = { id: 'other', progress: progressOfRun(null) } as LabSummary;
    const catalog: LabCatalog = { labs: [summary, other], broken: [], userLabsDir: '/d' };
    const next = applyRunToCatalog(catalog, { labId: 'web', run: run({ currentStep: 2 }) });
    expect(next.labs[0]?.progress).toEqual({ started: true, stepsDone: 0, currentStep: 2, completed: false });
    expect(next.labs[1]).toBe(other);
  });

  it('refetches a lab only when its run starts, stops or moves to other nodes', () => {
    expect(needsRefetch(null, run())).toBe(true);
    expect(needsRefetch(run(), null)).toBe(true);
    expect(needsRefetch(run(), run({ currentStep: 2 }))).toBe(false);
    expect(needsRefetch(run(), run({ nodes: { web: 'n2' } }))).toBe(true);
    expect(needsRefetch(run(), run({ startedAt: '2026-11-25T10:00:00.000Z' }))).toBe(true);
  });
});

describe('lab checks on the page', () => {
  it('shows the newer of the saved last check and this page’s own report', () => {
    const saved = { at: '2026-11-24T10:01:00.000Z', passed: false, results: [result('a', 'fail', '2026-11-24T10:01:00.000Z')] };
    const r = run({ steps: [step({ lastCheck: saved }), step(), step()] });
    const newer: StepCheckReport = { labId: 'web', step: 0, passed: true, advanced: true, results: [result('a', 'pass', '2026-11-24T10:02:00.000Z')] };
    expect(latestChecks(r, 0, null)).toBe(saved);
    expect(latestChecks(r, 0, newer)?.passed).toBe(true);
    expect(latestChecks(r, 0, { ...newer, results: [result('a', 'pass', '2026-11-24T10:00:30.000Z')] })).toBe(saved);
    expect(latestChecks(r, 1, newer)).toBeNull();
  });

  it('sums a step’s checks up', () => {
    const checks = [
      { id: 'a', title: 'a', kind: 'file' as const },
      { id: 'b', title: 'b', kind: 'http' as const },
    ];
    expect(checksLine({ checks: [] }, null)).toMatch(/no checks/);
    expect(checksLine({ checks }, null)).toMatch(/^2 checks — not checked yet/);
    const mixed = { at: 'x', passed: false, results: [result('a', 'pass', 'x'), result('b', 'fail', 'x')] };
    expect(checksLine({ checks }, mixed)).toBe('1 of 2 checks pass.');
    expect(checksLine({ checks }, { ...mixed, results: [result('a', 'pass', 'x'), result('b', 'pass', 'x')] })).toBe('All 2 checks pass.');
  });

  it('re-checks automatically only when enabled, visible and idle', () => {
    expect(autoCheckDue({ enabled: true, visible: true, checking: false })).toBe(true);
    expect(autoCheckDue({ enabled: false, visible: true, checking: false })).toBe(false);
    expect(autoCheckDue({ enabled: true, visible: false, checking: false })).toBe(false);
    expect(autoCheckDue({ enabled: true, visible: true, checking: true })).toBe(false);
  });
});

describe('lab text helpers', () => {
  it('locates an author’s problem as file:line:column', () => {
    expect(issueLocation({ file: 'steps/02-nginx.md', line: 12, column: 3, message: 'm' })).toBe('steps/02-nginx.md:12:3');
    expect(issueLocation({ file: 'lab.yaml', line: 4, column: 0, message: 'm' })).toBe('lab.yaml:4');
    expect(issueLocation({ file: 'steps/03.md', line: 0, column: 0, message: 'missing' })).toBe('steps/03.md');
  });

  it('names a broken lab by its folder', () => {
    expect(folderName('/home/me/.rackpilot/user-labs/broken-one')).toBe('broken-one');
    expect(folderName('C:\\labs\\mine\\')).toBe('mine');
    expect(folderName('plain')).toBe('plain');
  });

  it('writes durations', () => {
    expect([durationLabel(45), durationLabel(60), durationLabel(90)]).toEqual(['45 min', '1 h', '1 h 30 min']);
  });

  it('asks for a node per role, and a different node for each', () => {
    expect(assignmentProblem([], {})).toBeNull();
    expect(assignmentProblem(['web', 'db'], { web: 'n1' })).toBe('Pick a node for db.');
    expect(assignmentProblem(['web', 'db'], { web: 'n1', db: 'n1' })).toBe('db and web need different nodes: a node serves one role.');
    expect(assignmentProblem(['web', 'db'], { web: 'n1', db: 'n2' })).toBeNull();
  });
});
