/** The power buttons of a virtual node, each one core call whose answer updates the list at once. */
import type { VirtualNode } from '../../../shared/domain/vlab';
import { rpc } from '../../rpc/api';
import { upsertVirtualNode } from '../../stores/vlab';

/** stop presses the power button (the core pulls the plug if the OS ignores it); power-off pulls it. */
export type PowerVerb = 'start' | 'stop' | 'power-off' | 'reset';

export async function powerVirtualNode(vm: VirtualNode, verb: PowerVerb): Promise<void> {
  const id = vm.id;
  const next =
    verb === 'start'
      ? await rpc().call('vlab.start', { id })
      : verb === 'reset'
        ? await rpc().call('vlab.reset', { id })
        : await rpc().call('vlab.stop', { id, force: verb === 'power-off' });
  upsertVirtualNode(next);
}
