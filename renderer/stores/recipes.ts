/**
 * Recipes: the built-in list (`recipes.list`, fetched once something shows it) and the live step
 * list of each recipe job (`recipes.step` events), followed from the first time a view runs or
 * shows a recipe. A finished job's own result lists its steps, so after a reload the live events
 * are not needed.
 */
import { create } from 'zustand';
import type { RecipeInfo, RecipeStepEvent, StepResult } from '../../shared/domain/recipe';
import { errorMessage, rpc } from '../rpc/api';
import { coalesce } from './coalesce';
import { subscribeOnce } from './follow';

/** Step lists kept for this many jobs at most; the oldest go first (their results hold the steps). */
const KEEP_JOBS = 5000;

/** The steps reported so far for one job, by index; holes are steps not reported yet. */
export type LiveSteps = readonly (StepResult | undefined)[];

interface RecipesStore {
  recipes: RecipeInfo[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  steps: Record<string, LiveSteps>;
}

export const useRecipes = create<RecipesStore>()(() => ({ recipes: [], status: 'idle', error: null, steps: {} }));

/** Puts each event's step at its index for its job (pure; exported for tests). */
export function applyStepEvents(byJob: Record<string, LiveSteps>, events: readonly RecipeStepEvent[], keep = KEEP_JOBS): Record<string, LiveSteps> {
  if (events.length === 0) return byJob;
  const next: Record<string, LiveSteps> = { ...byJob };
  for (const e of events) {
    if (!Number.isInteger(e.index) || e.index < 0 || e.index > 1000) continue;
    const steps = [...(next[e.jobId] ?? [])];
    steps[e.index] = e.step;
    if (!(e.jobId in next)) {
      // New job: insertion order is age order, so the first keys are the oldest.
      const ids = Object.keys(next);
      for (let i = 0; i <= ids.length - keep; i++) delete next[ids[i]!];
    }
    next[e.jobId] = steps;
  }
  return next;
}

const pending = coalesce<RecipeStepEvent>((events) => useRecipes.setState((s) => ({ steps: applyStepEvents(s.steps, events) })));

/** Starts collecting step events (idempotent); call before starting a recipe. */
export function followRecipeSteps(): void {
  subscribeOnce('recipe-steps', 'recipes.step', (e) => pending.push(e));
}

let loading: Promise<void> | null = null;

/** Fetches the recipe list once; later calls reuse it (the built-ins change only with the app). */
export function loadRecipes(force = false): Promise<void> {
  if (!force && useRecipes.getState().status === 'ready') return Promise.resolve();
  loading ??= (async () => {
    useRecipes.setState({ status: 'loading', error: null });
    try {
      useRecipes.setState({ recipes: await rpc().call('recipes.list', {}), status: 'ready' });
    } catch (err) {
      useRecipes.setState({ status: 'error', error: errorMessage(err) });
    } finally {
      loading = null;
    }
  })();
  return loading;
}
