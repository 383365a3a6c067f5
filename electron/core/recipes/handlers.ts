/** Recipe API: list the built-in recipes; run one on selected nodes, one job per node. */
import type { Job } from '../../../shared/domain/job';
import type { RecipeRunResult } from '../../../shared/domain/recipe';
import { ErrorCode } from '../../../shared/errors';
import type { EventBus } from '../events/bus';
import { JobFailedWithResult, type JobsService } from '../jobs/jobs-service';
import type { NodesService } from '../nodes/nodes-service';
import type { Handlers } from '../rpc/handlers';
import type { SshService } from '../ssh/ssh-service';
import { targetFromNode } from '../ssh/target';
import { BUILTIN_RECIPES, recipeInfo } from './builtins';
import { runRecipe } from './run-recipe';

export interface RecipeHandlerDeps {
  nodes: NodesService;
  jobs: JobsService;
  ssh: SshService;
  bus: EventBus;
}

export function recipeHandlers({ nodes, jobs, ssh, bus }: RecipeHandlerDeps): Pick<Handlers, 'nodes.runRecipe' | 'recipes.list'> {
  return {
    'recipes.list': () => Object.values(BUILTIN_RECIPES).map(recipeInfo),
    'nodes.runRecipe': ({ ids, recipe: recipeId, params, checkOnly }) => {
      const recipe = BUILTIN_RECIPES[recipeId];
      // Resolve every node first: an unknown id refuses the whole request before any job starts.
      const selected = [...new Set(ids)].map((id) => nodes.get(id));
      return selected.map((node): Job => {
        const title = `${checkOnly ? 'Check' : 'Run'} recipe "${recipe.title}" on ${node.name}`;
        return jobs.start({ kind: 'node.recipe', title, nodeId: node.id, phases: recipe.steps.map((s) => s.title) }, async (ctx) => {
          const result: RecipeRunResult = await runRecipe(recipe, {
            ssh,
            target: targetFromNode(node),
            params,
            checkOnly,
            signal: ctx.signal,
            log: ctx.log,
            onStep: (index, step) => {
              if (step.status === 'running') ctx.phase(step.title);
              bus.publish('recipes.step', { jobId: ctx.jobId, nodeId: node.id, recipe: recipe.id as RecipeRunResult['recipe'], index, step });
              ctx.progress((index + (step.status === 'running' ? 0 : 1)) / recipe.steps.length);
            },
          });
          const { summary } = result;
          const line = `${node.name}: ok=${summary.ok} changed=${summary.changed} failed=${summary.failed} skipped=${summary.skipped}`;
          ctx.log(line);
          if (summary.failed > 0) {
            const failed = result.steps.find((s) => s.status === 'failed');
            throw new JobFailedWithResult(ErrorCode.RecipeFailed, `Step "${failed?.title ?? '?'}" failed on ${node.name}: ${failed?.message ?? 'no message'}`, result);
          }
          return result;
        });
      });
    },
  };
}
