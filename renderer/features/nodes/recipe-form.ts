/**
 * The recipe parameters form (pure): text as typed, checked with the same zod schema the core
 * validates `nodes.runRecipe` with, so mistakes show next to their field before a round trip.
 * Loads zod: import it only from lazily loaded views.
 */
import { recipeParamsSchema, type RecipeId, type RecipeParams } from '../../../shared/domain/recipe';

export interface RecipeFormValues {
  timezone: string;
  /** Space or comma separated package names. */
  packages: string;
  unattendedUpgrades: boolean;
  checkOnly: boolean;
}

export type ParamField = 'timezone' | 'packages';
export type ParamErrors = Partial<Record<ParamField, string>>;

export const DEFAULT_RECIPE_FORM: RecipeFormValues = { timezone: 'UTC', packages: '', unattendedUpgrades: true, checkOnly: false };

/**
 * The parameters each built-in recipe reads (RecipeInfo does not declare them yet); a recipe not
 * listed here gets the whole form, which is harmless: recipes ignore what they do not read.
 */
const PARAMS_OF: Record<RecipeId, readonly (keyof RecipeParams)[]> = {
  base: ['timezone', 'packages', 'unattendedUpgrades'],
  docker: [],
  'k8s-prereqs': [],
};

export function paramsUsedBy(recipe: string): readonly (keyof RecipeParams)[] {
  return PARAMS_OF[recipe as RecipeId] ?? ['timezone', 'packages', 'unattendedUpgrades'];
}

export function splitPackages(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** The form as `params`, or the per-field messages that stop it being sent. */
export function parseRecipeForm(v: RecipeFormValues): { params: RecipeParams | null; errors: ParamErrors } {
  const packages = splitPackages(v.packages);
  const parsed = recipeParamsSchema.safeParse({ timezone: v.timezone.trim() || 'UTC', packages, unattendedUpgrades: v.unattendedUpgrades });
  if (parsed.success) return { params: parsed.data, errors: {} };
  const errors: ParamErrors = {};
  for (const issue of parsed.error.issues) {
    const [field, index] = issue.path;
    if (field === 'timezone') errors.timezone ??= issue.message;
    else if (field === 'packages') {
      // Name the offending package: "htop, Bad_Name" alone does not say which one is wrong.
      const name = typeof index === 'number' ? packages[index] : undefined;
      errors.packages ??= name !== undefined ? `"${name}": ${issue.message}` : issue.message;
    }
  }
  return { params: null, errors };
}

/** Field of a core issue path such as ['params', 'packages', 2]. */
export function paramFieldOfPath(path: readonly unknown[]): ParamField | null {
  if (path.includes('timezone')) return 'timezone';
  if (path.includes('packages')) return 'packages';
  return null;
}
