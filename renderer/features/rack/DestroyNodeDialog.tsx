/** Destroying a virtual node deletes its disk; the inventory node stays unless asked to go too. */
import { useState } from 'react';
import type { VirtualNode } from '../../../shared/domain/vlab';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { rpc } from '../../rpc/api';
import { onVlabChanged } from '../../stores/vlab';

export function DestroyNodeDialog({ vm, onClose }: { vm: VirtualNode; onClose: () => void }) {
  const [removeNode, setRemoveNode] = useState(false);
  return (
    <ConfirmDialog
      title={`Destroy ${vm.name}?`}
      actionLabel="Destroy"
      busyLabel="Destroying…"
      onClose={onClose}
      onConfirm={async () => {
        await rpc().call('vlab.destroy', { id: vm.id, confirm: true, removeNode: removeNode && vm.nodeId !== null });
        onVlabChanged({ op: 'remove', id: vm.id });
        if (window.location.hash === `#/rack/${encodeURIComponent(vm.id)}`) window.location.hash = '#/rack';
      }}
    >
      {vm.state === 'stopped' || vm.state === 'failed' ? '' : `${vm.name} is ${vm.state}: it is switched off at once. `}
      Its virtual machine, disk and console log are deleted; this cannot be undone.
      {vm.nodeId ? ' Its inventory node (timeline, role, tags) stays unless you remove it too.' : ''}
      {vm.nodeId && (
        <label className="rack-check">
          <input type="checkbox" checked={removeNode} onChange={(e) => setRemoveNode(e.target.checked)} /> Also remove it from the inventory
        </label>
      )}
    </ConfirmDialog>
  );
}
