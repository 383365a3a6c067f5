/** `nodes.runCommand` (being built): one command on many nodes, one result per node. */
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { JobsService } from '../jobs/jobs-service';
import type { NodesService } from '../nodes/nodes-service';
import type { Handlers } from '../rpc/handlers';
import type { SshService } from './ssh-service';

export interface CommandHandlerDeps {
  nodes: NodesService;
  jobs: JobsService;
  ssh: SshService;
}

export function commandHandlers(_deps: CommandHandlerDeps): Pick<Handlers, 'nodes.runCommand'> {
  return {
    'nodes.runCommand': () => {
      throw new RackpilotError(ErrorCode.Internal, 'Bulk commands are not built yet.');
    },
  };
}
