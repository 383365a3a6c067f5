/** Confirmation before removing a node from the inventory. */
import type { Node } from '../../../shared/domain/node';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { rpc } from '../../rpc/api';

export function RemoveNodeDialog({ node, onClose }: { node: Node; onClose: () => void }) {
  return (
    <ConfirmDialog
      title={`Remove ${node.name}?`}
      actionLabel="Remove node"
      busyLabel="Removing…"
      onConfirm={async () => {
        await rpc().call('nodes.remove', { id: node.id });
      }}
      onClose={onClose}
    >
      This removes <strong>{node.name}</strong> ({node.mac}) from the inventory. The machine itself is not touched; you can
      add it again later.
    </ConfirmDialog>
  );
}
