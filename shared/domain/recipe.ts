/**
 * Recipes: provisioning as typed, idempotent steps. Each step checks whether its work is already
 * done and applies it only when not, so a second run reports `changed: 0` — the shape Ansible
 * users know (ok / changed / failed / skipped).
 */
import { z } from 'zod';
import { nodeIdSchema } from './node-schema';

export const RECIPE_IDS = ['base', 'docker', 'k8s-prereqs'] as const;
export type RecipeId = (typeof RECIPE_IDS)[number];

export const STEP_STATUSES = ['pending', 'running', 'ok', 'changed', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface RecipeStepInfo {
  id: string;
  title: string;
}

export interface RecipeInfo {
  id: RecipeId;
  title: string;
  description: string;
  steps: RecipeStepInfo[];
}

export interface StepResult {
  id: string;
  title: string;
  status: StepStatus;
  /** What was found or done, or why it failed / was skipped. */
  message: string | null;
  durationMs: number;
}

export interface RecipeSummary {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
}

/** A recipe job's result (`job.result` of kind `node.recipe`). */
export interface RecipeRunResult {
  recipe: RecipeId;
  nodeId: string;
  /** True when run in check mode: nothing was applied, `changed` means "would change". */
  checkOnly: boolean;
  steps: StepResult[];
  summary: RecipeSummary;
}

/** Pushed as each step starts and finishes, so the UI can show a live step list. */
export interface RecipeStepEvent {
  jobId: string;
  nodeId: string;
  recipe: RecipeId;
  index: number;
  step: StepResult;
}

const packageName = z.string().regex(/^[a-z0-9][a-z0-9+.-]{0,99}$/, 'Package names use lower-case letters, digits and + . - (Debian policy), e.g. htop');

/** Parameters shared by the built-in recipes; each recipe reads the ones it needs. */
export const recipeParamsSchema = z
  .object({
    /** tz database name, e.g. Europe/Berlin. Default UTC. */
    timezone: z
      .string()
      .regex(/^(UTC|[A-Z][A-Za-z_+-]*(\/[A-Za-z0-9_+-]+){1,2})$/, 'Time zone must be a tz database name such as UTC or Europe/Berlin')
      .default('UTC'),
    /** Extra packages the base recipe installs. */
    packages: z.array(packageName).max(200).default([]),
    /** Install and enable unattended security upgrades. Default true. */
    unattendedUpgrades: z.boolean().default(true),
  })
  .strict();
export type RecipeParams = z.output<typeof recipeParamsSchema>;

export const runRecipeInput = z
  .object({
    ids: z.array(nodeIdSchema).min(1).max(5000),
    recipe: z.enum(RECIPE_IDS),
    params: recipeParamsSchema.default({ timezone: 'UTC', packages: [], unattendedUpgrades: true }),
    /** Check mode: run every check, apply nothing, report what would change. */
    checkOnly: z.boolean().default(false),
  })
  .strict();
