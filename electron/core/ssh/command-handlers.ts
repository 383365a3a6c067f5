/** `nodes.runCommand`: one ad-hoc command on many nodes as one job, one result per node. */
import type { JobsService } from '../jobs/jobs-service';
import type { NodesService } from '../nodes/nodes-service';
import type { Handlers } from '../rpc/handlers';
import { BULK_COMMAND_PHASES, bulkCommandTitle, runBulkCommand } from './bulk-command';
import type { SshService } from './ssh-service';

export interface CommandHandlerDeps {
  nodes: NodesService;
  jobs: JobsService;
  ssh: SshService;
}

export function commandHandlers({ nodes, jobs, ssh }: CommandHandlerDeps): Pick<Handlers, 'nodes.runCommand'> {
  return {
    'nodes.runCommand': ({ ids, command, sudo, sudoPassword, timeoutMs }) => {
      // An unknown id fails the call before anything runs; a repeated one runs once.
      const selected = [...new Set(ids)].map((id) => nodes.get(id));
      const only = selected.length === 1 ? selected[0]! : null;
      return jobs.start({ kind: 'nodes.command', title: bulkCommandTitle(command, selected), nodeId: only?.id ?? null, phases: BULK_COMMAND_PHASES }, (ctx) =>
        runBulkCommand(ssh, selected, { command, sudo, timeoutMs, ...(sudoPassword ? { sudoPassword } : {}) }, ctx),
      );
    },
  };
}
