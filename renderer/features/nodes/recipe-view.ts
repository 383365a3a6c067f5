/**
 * A recipe job's step list as the UI shows it (pure): the finished job's result when there is one
 * (also after a reload, when no live events were seen), otherwise the recipe's declared steps as
 * "pending" overlaid with the live `recipes.step` events received so far.
 */
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import type { RecipeInfo, RecipeRunResult, RecipeSummary, StepResult, StepStatus } from '../../../shared/domain/recipe';
import type { LiveSteps } from '../../stores/recipes';

/** The job's result when it is a recipe run's (a failed run keeps its result too). */
export function recipeResultOf(job: Job | undefined): RecipeRunResult | null {
  const r = job?.result as Partial<RecipeRunResult> | null | undefined;
  return r && typeof r === 'object' && Array.isArray(r.steps) && r.summary && typeof r.summary === 'object' ? (r as RecipeRunResult) : null;
}

export function stepList(info: RecipeInfo | undefined, live: LiveSteps | undefined, job: Job | undefined): StepResult[] {
  const result = recipeResultOf(job);
  if (result) return result.steps;
  const steps: (StepResult | undefined)[] = (info?.steps ?? []).map((s) => ({ id: s.id, title: s.title, status: 'pending', message: null, durationMs: 0 }));
  live?.forEach((s, i) => {
    if (s) steps[i] = s;
  });
  const list = steps.filter((s): s is StepResult => s !== undefined);
  if (!job || !FINISHED_JOB_STATES.includes(job.state)) return list;
  // Ended without a result (cancelled, interrupted, crashed): nothing is running any more.
  return list.map((s) => {
    if (s.status === 'running') {
      return job.state === 'failed'
        ? { ...s, status: 'failed', message: s.message ?? job.error?.message ?? 'The job failed while this step ran.' }
        : { ...s, status: 'skipped', message: s.message ?? `Stopped: the job was ${job.state}.` };
    }
    return s.status === 'pending' ? { ...s, status: 'skipped', message: 'Not run.' } : s;
  });
}

export function summarize(steps: readonly StepResult[]): RecipeSummary {
  const summary: RecipeSummary = { ok: 0, changed: 0, failed: 0, skipped: 0 };
  for (const s of steps) if (s.status !== 'pending' && s.status !== 'running') summary[s.status]++;
  return summary;
}

/** In check mode nothing is applied: `changed` means "would change". */
export function stepStatusLabel(status: StepStatus, checkOnly: boolean): string {
  if (status === 'changed') return checkOnly ? 'would change' : 'changed';
  return status;
}

/** "ok 3 · changed 1 · failed 0 · skipped 2" (with "would change" in check mode). */
export function summaryLabel(summary: RecipeSummary, checkOnly: boolean): string {
  return `ok ${summary.ok} · ${checkOnly ? 'would change' : 'changed'} ${summary.changed} · failed ${summary.failed} · skipped ${summary.skipped}`;
}

/** 850 → "850 ms"; 12400 → "12.4 s"; 95000 → "1 min 35 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Whether a recipe job was run in check mode: from its result, or from its title ("Check recipe …"). */
export function isCheckOnly(job: Job): boolean {
  return recipeResultOf(job)?.checkOnly ?? job.title.startsWith('Check ');
}

/** The recipe a job runs: from its result, else from its title (`… recipe "Base system" on …`). */
export function recipeOfJob(job: Job, recipes: readonly RecipeInfo[]): RecipeInfo | undefined {
  const id = recipeResultOf(job)?.recipe;
  return id ? recipes.find((r) => r.id === id) : recipes.find((r) => job.title.includes(`recipe "${r.title}"`));
}
