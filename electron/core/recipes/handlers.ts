/** Recipe API (being built). */
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { JobsService } from '../jobs/jobs-service';
import type { NodesService } from '../nodes/nodes-service';
import type { EventBus } from '../events/bus';
import type { Handlers } from '../rpc/handlers';
import type { SshService } from '../ssh/ssh-service';

export interface RecipeHandlerDeps {
  nodes: NodesService;
  jobs: JobsService;
  ssh: SshService;
  bus: EventBus;
}

export function recipeHandlers(_deps: RecipeHandlerDeps): Pick<Handlers, 'nodes.runRecipe' | 'recipes.list'> {
  return {
    'recipes.list': () => [],
    'nodes.runRecipe': () => {
      throw new RackpilotError(ErrorCode.Internal, 'Recipes are not built yet.');
    },
  };
}
