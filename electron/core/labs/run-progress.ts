/**
 * How a run moves: pure functions from one LabRun to the next, so the rules (which step comes
 * next, when a lab is complete, when a step counts as reached) are in one place and tested
 * without nodes. Reaching a step records when and each node's boot id: `rebooted` and
 * `startedSinceStep` checks compare against those.
 */
import type { CheckResult, LabRun, LabStepProgress } from '../../../shared/domain/lab';

export function freshStep(): LabStepProgress {
  return { reachedAt: null, bootIds: {}, completedAt: null, solutionShown: false, lastCheck: null };
}

/** A run at step 0 of `stepCount` steps, nothing done; step 0 reached now. */
export function newRun(labId: string, nodes: Record<string, string>, stepCount: number, reached: Reached): LabRun {
  const run: LabRun = {
    labId,
    startedAt: reached.at,
    nodes,
    currentStep: 0,
    steps: Array.from({ length: stepCount }, freshStep),
    completedAt: null,
    resetJobId: null,
  };
  return reach(run, 0, reached);
}

/** When a step was reached and the nodes' boot ids then (by role). */
export interface Reached {
  at: string;
  bootIds: Record<string, string>;
}

/**
 * The run fitted to the lab as loaded now: a lab whose author added or removed steps keeps the
 * progress of the steps that still exist.
 */
export function fitToLab(run: LabRun, stepCount: number): LabRun {
  if (run.steps.length === stepCount) return run;
  const steps = Array.from({ length: stepCount }, (_, i) => run.steps[i] ?? freshStep());
  return { ...run, steps, currentStep: Math.min(run.currentStep, stepCount - 1) };
}

/** Marks a step reached (only the first time: later visits keep the original start). */
export function reach(run: LabRun, step: number, reached: Reached): LabRun {
  const current = run.steps[step];
  if (!current || current.reachedAt !== null) return run;
  const steps = run.steps.map((s, i) => (i === step ? { ...s, reachedAt: reached.at, bootIds: reached.bootIds } : s));
  return { ...run, steps };
}

export function needsReaching(run: LabRun, step: number): boolean {
  return run.steps[step]?.reachedAt === null;
}

/** The step after `from` not yet done, else the first one not done, else null (all done). */
export function nextIncomplete(run: LabRun, from: number): number | null {
  const order = [...run.steps.keys()].filter((i) => i > from).concat([...run.steps.keys()].filter((i) => i <= from));
  return order.find((i) => run.steps[i]?.completedAt === null) ?? null;
}

export interface CheckOutcome {
  run: LabRun;
  passed: boolean;
  /** The check completed the step (it was not done before). */
  advanced: boolean;
  /** The step the run moved to and that must be marked reached (boot ids read), if any. */
  movedTo: number | null;
}

/**
 * Records a check of `step`. All passing completes the step; when it was the step the learner is
 * on, the run moves to the next step not done, and the lab is complete when none is left.
 */
export function recordCheck(run: LabRun, step: number, results: CheckResult[], at: string): CheckOutcome {
  const passed = results.every((r) => r.status === 'pass');
  const before = run.steps[step];
  if (!before) return { run, passed, advanced: false, movedTo: null };
  const advanced = passed && before.completedAt === null;
  const updated: LabStepProgress = { ...before, lastCheck: { at, passed, results }, completedAt: advanced ? at : before.completedAt };
  let next: LabRun = { ...run, steps: run.steps.map((s, i) => (i === step ? updated : s)) };
  let movedTo: number | null = null;
  if (advanced) {
    const target = nextIncomplete(next, step);
    if (target === null) next = { ...next, completedAt: next.completedAt ?? at };
    else if (step === run.currentStep) {
      next = { ...next, currentStep: target };
      movedTo = target;
    }
  }
  return { run: next, passed, advanced, movedTo };
}

/** Progress cleared, nodes kept: every step fresh, back at step 0 (reached once the reset is done). */
export function clearedRun(run: LabRun, stepCount: number): LabRun {
  return { ...run, currentStep: 0, steps: Array.from({ length: stepCount }, freshStep), completedAt: null };
}

export function stepsDone(run: LabRun | null): number {
  return run ? run.steps.filter((s) => s.completedAt !== null).length : 0;
}
