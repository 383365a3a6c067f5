/**
 * A cluster job's phases as a step list (pure): from the phases the job declared, the phase it is
 * in (or last reached) and its state — and, once a bootstrap finished, its result, which says
 * which phases were skipped because an earlier run had already done them.
 */
import type { Job } from '../../../shared/domain/job';

export type PhaseStatus = 'done' | 'skipped' | 'running' | 'failed' | 'stopped' | 'pending';

export interface PhaseStep {
  name: string;
  status: PhaseStatus;
  /** What the phase found or did, when the job's result says. */
  detail: string | null;
}

interface ResultPhase {
  name: string;
  outcome: 'done' | 'skipped';
  detail: string;
}

/** The per-phase outcomes a bootstrap result carries ([{ name, outcome, detail }], bare or as { phases }); [] otherwise. */
export function resultPhases(result: unknown): ResultPhase[] {
  const phases = Array.isArray(result) ? result : (result as { phases?: unknown } | null | undefined)?.phases;
  if (!Array.isArray(phases)) return [];
  return phases.filter(
    (p): p is ResultPhase =>
      typeof p === 'object' && p !== null && typeof (p as ResultPhase).name === 'string' && ((p as ResultPhase).outcome === 'done' || (p as ResultPhase).outcome === 'skipped'),
  );
}

export function phaseSteps(job: Pick<Job, 'phases' | 'phase' | 'state' | 'result'>): PhaseStep[] {
  const at = job.phase === null ? -1 : job.phases.indexOf(job.phase);
  const outcomes = new Map(resultPhases(job.result).map((p) => [p.name, p]));
  return job.phases.map((name, i) => {
    const outcome = outcomes.get(name);
    const detail = outcome?.detail || null;
    if (outcome) return { name, status: outcome.outcome, detail };
    return { name, status: statusAt(job.state, i, at), detail };
  });
}

function statusAt(state: Job['state'], index: number, at: number): PhaseStatus {
  if (state === 'succeeded') return 'done';
  if (state === 'queued' || at === -1) return 'pending';
  if (index < at) return 'done';
  if (index > at) return 'pending';
  if (state === 'running') return 'running';
  return state === 'failed' ? 'failed' : 'stopped';
}

export const PHASE_LABEL: Record<PhaseStatus, string> = {
  done: 'done',
  skipped: 'already done',
  running: 'running',
  failed: 'failed',
  stopped: 'stopped',
  pending: 'pending',
};

/** "3 of 12 phases done". */
export function phaseSummary(steps: readonly PhaseStep[]): string {
  const done = steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  return `${done} of ${steps.length} phase${steps.length === 1 ? '' : 's'} done`;
}
