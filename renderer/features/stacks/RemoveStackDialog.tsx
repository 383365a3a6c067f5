/** Removing a stored stack deletes its folder and history in Rackpilot (not its containers); the name is typed to confirm. */
import { RemoveByNameDialog } from '../../components/RemoveByNameDialog';
import { rpc } from '../../rpc/api';

export function RemoveStackDialog({ nodeId, name, onRemoved, onClose }: { nodeId: string; name: string; onRemoved(): void; onClose(): void }) {
  return (
    <RemoveByNameDialog name={name} remove={(confirmName) => rpc().call('stacks.remove', { nodeId, name, confirmName })} onRemoved={onRemoved} onClose={onClose}>
      This deletes the stored files and version history of <strong>{name}</strong>. Containers it runs are not touched: take it down first if you want them gone.
    </RemoveByNameDialog>
  );
}
