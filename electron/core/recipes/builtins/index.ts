/** The recipes Rackpilot ships, by id. */
import type { RecipeId, RecipeInfo } from '../../../../shared/domain/recipe';
import type { Recipe } from '../recipe';
import { baseRecipe } from './base';
import { dockerRecipe } from './docker';
import { k8sPrereqsRecipe } from './k8s-prereqs';

export const BUILTIN_RECIPES: Record<RecipeId, Recipe> = {
  base: baseRecipe,
  docker: dockerRecipe,
  'k8s-prereqs': k8sPrereqsRecipe,
};

export function recipeInfo(recipe: Recipe): RecipeInfo {
  return {
    id: recipe.id as RecipeId,
    title: recipe.title,
    description: recipe.description,
    steps: recipe.steps.map((s) => ({ id: s.id, title: s.title })),
  };
}
