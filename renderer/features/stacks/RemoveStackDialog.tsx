/** Removing a stored stack deletes its folder and history in Rackpilot (not its containers); the name is typed to confirm. */
import { useId, useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { TypeNameToConfirm } from '../../components/TypeNameToConfirm';

export function RemoveStackDialog({ nodeId, name, onRemoved, onClose }: { nodeId: string; name: string; onRemoved(): void; onClose(): void }) {
  const [confirmName, setConfirmName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await rpc().call('stacks.remove', { nodeId, name, confirmName });
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
        This deletes the stored files and version history of <strong>{name}</strong>. Containers it runs are not touched: take it down first if you want them gone.
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
