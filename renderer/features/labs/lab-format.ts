/** How labs, runs and check results read on the page (pure). */
import type { CheckResult, CheckStatus, LabIssue, LabRun, LabStepView, LabSummary, StepCheckReport } from '../../../shared/domain/lab';

export type LabProgress = LabSummary['progress'];

/** "Not started" · "Step 2 of 5 · 1 done" · "Completed". */
export function progressLine(progress: LabProgress, stepCount: number): string {
  if (progress.completed) return 'Completed';
  if (!progress.started) return 'Not started';
  return `Step ${Math.min(progress.currentStep + 1, stepCount)} of ${stepCount} · ${progress.stepsDone} done`;
}

/** 0–100, for the progress bar. */
export function progressPercent(progress: LabProgress, stepCount: number): number {
  if (progress.completed) return 100;
  if (stepCount <= 0) return 0;
  return Math.round((Math.min(progress.stepsDone, stepCount) / stepCount) * 100);
}

/** What the catalog offers for a lab: open it to start, or carry on. */
export function openLabel(progress: LabProgress): string {
  if (progress.completed) return 'Review';
  return progress.started ? 'Continue' : 'Open';
}

/** "steps/02-nginx.md:12:3" — the place an author opens (no line when the file as a whole is the problem). */
export function issueLocation(issue: LabIssue): string {
  if (issue.line <= 0) return issue.file;
  return issue.column > 0 ? `${issue.file}:${issue.line}:${issue.column}` : `${issue.file}:${issue.line}`;
}

/** The lab folder's own name from its path (the core reports where it looked). */
export function folderName(path: string): string {
  return path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || path;
}

/** "45 min" · "1 h 30 min". */
export function durationLabel(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export type StepMark = 'done' | 'current' | 'todo';

export function stepMark(run: LabRun | null, index: number): StepMark {
  if (!run) return 'todo';
  if (run.steps[index]?.completedAt) return 'done';
  return run.currentStep === index ? 'current' : 'todo';
}

export const STEP_MARK_ICON: Record<StepMark, string> = { done: '✓', current: '▸', todo: '○' };
export const STEP_MARK_LABEL: Record<StepMark, string> = { done: 'done', current: 'you are here', todo: 'not done yet' };

export const CHECK_STATUS_LABEL: Record<CheckStatus, string> = { pass: 'passed', fail: 'failed', error: 'could not run' };
export const CHECK_STATUS_ICON: Record<CheckStatus | 'pending', string> = { pass: '✓', fail: '✗', error: '!', pending: '○' };

export interface StepChecks {
  at: string;
  passed: boolean;
  results: CheckResult[];
}

/**
 * The newest results for a step: the run's saved last check (kept current by labs.changed), or a
 * report this page got back from labs.check that the pushed run has not caught up with yet.
 */
export function latestChecks(run: LabRun | null, step: number, report: StepCheckReport | null): StepChecks | null {
  const saved = run?.steps[step]?.lastCheck ?? null;
  const fresh = report && report.step === step && report.results.length > 0 ? { at: newest(report.results), passed: report.passed, results: report.results } : null;
  if (!saved) return fresh;
  if (!fresh) return saved;
  return fresh.at > saved.at ? fresh : saved;
}

function newest(results: readonly CheckResult[]): string {
  return results.reduce((max, r) => (r.at > max ? r.at : max), '');
}

/** "2 of 3 checks pass" · "All 3 checks pass" · "This step has no checks". */
export function checksLine(step: Pick<LabStepView, 'checks'>, checks: StepChecks | null): string {
  const total = step.checks.length;
  if (total === 0) return 'This step has no checks: read it, then move on.';
  if (!checks) return `${total} check${total === 1 ? '' : 's'} — not checked yet. Do the step, then press “Check my work”.`;
  const passing = checks.results.filter((r) => r.status === 'pass').length;
  if (passing === total) return total === 1 ? 'The check passes.' : `All ${total} checks pass.`;
  return `${passing} of ${total} checks pass.`;
}

/** Whether every role has a node and no node serves two roles; the first problem otherwise. */
export function assignmentProblem(roles: readonly string[], picked: Record<string, string>): string | null {
  const missing = roles.filter((r) => !picked[r]);
  if (missing.length > 0) return `Pick a node for ${missing.join(', ')}.`;
  const seen = new Map<string, string>();
  for (const role of roles) {
    const node = picked[role] as string;
    const other = seen.get(node);
    if (other) return `${role} and ${other} need different nodes: a node serves one role.`;
    seen.set(node, role);
  }
  return null;
}
