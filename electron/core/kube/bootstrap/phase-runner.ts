/**
 * Every bootstrap phase runs the same way: check each unit of work (a node, or the cluster),
 * skip what is already done, apply the rest, then verify with the same check — so a phase that
 * "succeeded" but left its check failing stops the bootstrap instead of reporting done, and a
 * re-run after a kill skips everything finished before it.
 */
import { RackpilotError } from '../../../../shared/errors';
import { abortError } from '../../abort';
import { BOOTSTRAP_FAILED } from './node-shell';
import type { BootstrapRun, PhaseReport } from './types';

export interface Check {
  done: boolean;
  /** One sentence: what was found (done) or what is missing (not done). */
  detail: string;
}

export interface PhaseUnit {
  /** The node's name; empty for a phase with one cluster-wide unit. */
  where: string;
  check(): Promise<Check>;
  /** Makes the change. Returns the verification when it already re-checked; otherwise check() runs again. */
  apply(pending: Check): Promise<Check | void>;
}

export interface Phase {
  name: string;
  /** Units run one after the other unless this is set (joins of control planes must not overlap). */
  parallel?: boolean;
  /** Said when the phase has no units at all (no workers to join). */
  nothingToDo?: string;
  units(b: BootstrapRun): PhaseUnit[];
}

export const done = (detail: string): Check => ({ done: true, detail });
export const pending = (detail: string): Check => ({ done: false, detail });

/** Runs one phase as the job's `index`-th of `count`; throws when a unit fails. */
export async function runPhase(b: BootstrapRun, phase: Phase, index: number, count: number): Promise<PhaseReport> {
  if (b.signal.aborted) throw abortError();
  b.ctx.phase(phase.name);
  const units = phase.units(b);
  if (units.length === 0) {
    const detail = phase.nothingToDo ?? 'nothing to do';
    b.log(`✓ ${phase.name} skipped: ${detail}`);
    return { name: phase.name, outcome: 'skipped', detail };
  }
  let finished = 0;
  const step = () => b.ctx.progress((index + ++finished / units.length) / count);
  const results: { applied: boolean; detail: string }[] = [];
  const runUnit = async (unit: PhaseUnit, at: number) => {
    const where = unit.where ? ` on ${unit.where}` : '';
    const before = await unit.check();
    if (before.done) {
      b.log(`✓ ${phase.name} skipped${where}: ${before.detail}`);
      results[at] = { applied: false, detail: before.detail };
      step();
      return;
    }
    b.log(`→ ${phase.name}${where}: ${before.detail}`);
    const after = (await unit.apply(before)) ?? (await unit.check());
    if (!after.done) {
      throw new RackpilotError(
        BOOTSTRAP_FAILED,
        `${phase.name}${where} ran but did not take effect: ${after.detail}. Look at the job log for what the node printed, fix the cause, then run the bootstrap again.`,
      );
    }
    b.log(`✓ ${phase.name} done${where}: ${after.detail}`);
    results[at] = { applied: true, detail: after.detail };
    step();
  };

  if (phase.parallel) {
    // Every node finishes (or fails) before the phase reports: nothing is left running unseen.
    const settled = await Promise.allSettled(units.map((u, i) => runUnit(u, i)));
    if (b.signal.aborted) throw abortError();
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
  } else {
    for (const [i, unit] of units.entries()) await runUnit(unit, i);
  }

  const outcome = results.some((r) => r.applied) ? 'done' : 'skipped';
  const detail =
    units.length === 1 ? (results[0]?.detail ?? '') : units.map((u, i) => `${u.where}: ${results[i]?.detail ?? ''}`).join('; ');
  return { name: phase.name, outcome, detail };
}
