/** Forgetting a draft or torn-down cluster: its record goes, its backups stay on disk; the name is typed to confirm. */
import { useId, useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { TypeNameToConfirm } from '../../components/TypeNameToConfirm';
import { errorMessage, rpc } from '../../rpc/api';

export function RemoveClusterDialog({ name, backups, onRemoved, onClose }: { name: string; backups: number; onRemoved(): void; onClose(): void }) {
  const [confirmName, setConfirmName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await rpc().call('clusters.remove', { name, confirmName });
      onClose();
      onRemoved();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Remove ${name} from Rackpilot?`} onClose={onClose} initialFocus={cancelRef} describedBy={`${id}-what`}>
      <p id={`${id}-what`}>
        Rackpilot forgets the cluster <strong>{name}</strong> and its spec. Nothing on the nodes changes.
        {backups > 0 && ` Its ${backups} backup${backups === 1 ? '' : 's'} stay in Rackpilot's data folder.`}
      </p>
      <TypeNameToConfirm id={`${id}-confirm`} name={name} value={confirmName} onChange={setConfirmName} />
      <FormError message={error} />
      <DialogActions onCancel={onClose} cancelRef={cancelRef}>
        <button type="button" className="btn btn-danger" disabled={busy || confirmName !== name} onClick={() => void remove()}>
          {busy ? 'Removing…' : 'Remove'}
        </button>
      </DialogActions>
    </Dialog>
  );
}
