/** API methods of network boot: the services, and arming/disarming a node's install. */
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { BootInventory } from '../nodes/boot-inventory';
import type { NodesService } from '../nodes/nodes-service';
import type { Handlers } from '../rpc/handlers';
import type { BootService } from './boot-service';

type BootMethods = 'boot.status' | 'boot.configure' | 'boot.start' | 'boot.stop' | 'boot.interfaces' | 'nodes.install' | 'nodes.cancelInstall';

export function bootHandlers(
  boot: BootService,
  inventory: BootInventory,
  nodes: NodesService,
  profileExists: (id: string) => boolean,
): Pick<Handlers, BootMethods> {
  return {
    'boot.status': () => boot.status(),
    'boot.configure': (changes) => boot.configure(changes),
    'boot.start': () => boot.start(),
    'boot.stop': () => boot.stop(),
    'boot.interfaces': () => boot.interfaces(),
    'nodes.install': ({ id, profileId, confirmName }) => {
      const node = nodes.get(id);
      // Installing wipes the node's disk: the caller repeats the node's name, as a person would
      // type it in the confirmation, so a stale id or a slip of the mouse cannot wipe a machine.
      if (confirmName !== node.name) {
        throw new RackpilotError(
          ErrorCode.ConfirmationRequired,
          `Installing wipes the disk of ${node.name}. Type its name exactly ("${node.name}") to confirm.`,
          { issues: [{ path: ['confirmName'], message: `Type "${node.name}" to confirm` }] },
        );
      }
      if (!profileExists(profileId)) {
        throw new RackpilotError(ErrorCode.Validation, `There is no boot profile "${profileId}". Pick one from the Boot page's profiles.`, {
          issues: [{ path: ['profileId'], message: 'Unknown profile' }],
        });
      }
      return inventory.requestInstall(id, profileId);
    },
    'nodes.cancelInstall': ({ id }) => inventory.cancelInstall(id),
  };
}
