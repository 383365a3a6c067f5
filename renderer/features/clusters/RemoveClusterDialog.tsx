/** Forgetting a draft or torn-down cluster: its record goes, its backups stay on disk; the name is typed to confirm. */
import { RemoveByNameDialog } from '../../components/RemoveByNameDialog';
import { rpc } from '../../rpc/api';

export function RemoveClusterDialog({ name, backups, onRemoved, onClose }: { name: string; backups: number; onRemoved(): void; onClose(): void }) {
  return (
    <RemoveByNameDialog name={name} remove={(confirmName) => rpc().call('clusters.remove', { name, confirmName })} onRemoved={onRemoved} onClose={onClose}>
      Rackpilot forgets the cluster <strong>{name}</strong> and its spec. Nothing on the nodes changes.
      {backups > 0 && ` Its ${backups} backup${backups === 1 ? '' : 's'} stay in Rackpilot's data folder.`}
    </RemoveByNameDialog>
  );
}
