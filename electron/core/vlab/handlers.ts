/** API methods of the practice rack, and power control of inventory nodes. */
import type { Handlers } from '../rpc/handlers';
import type { PowerService } from './power/power-service';
import type { VlabService } from './vlab-service';

type VlabMethods = 'vlab.status' | 'vlab.configure' | 'vlab.create' | 'vlab.start' | 'vlab.stop' | 'vlab.reset' | 'vlab.destroy' | 'vlab.console' | 'nodes.power' | 'nodes.powerStatus';

export function vlabHandlers(vlab: VlabService, power: PowerService): Pick<Handlers, VlabMethods> {
  return {
    'vlab.status': () => vlab.status(),
    'vlab.configure': (input) => vlab.configure(input),
    'vlab.create': (input) => vlab.create(input),
    'vlab.start': ({ id }) => vlab.start(id),
    'vlab.stop': ({ id, force }) => vlab.stop(id, force),
    'vlab.reset': ({ id }) => vlab.reset(id),
    'vlab.destroy': ({ id, confirm, removeNode }) => vlab.destroy(id, confirm, removeNode),
    'vlab.console': ({ id, tailBytes }) => vlab.console(id, tailBytes),
    'nodes.power': ({ id, action }) => power.act(id, action),
    'nodes.powerStatus': ({ id }) => power.status(id),
  };
}
