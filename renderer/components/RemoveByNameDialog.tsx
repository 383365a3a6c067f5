/**
 * "Remove <name> from Rackpilot?": the confirmation for forgetting something Rackpilot stores
 * (a stack, a cluster). The person types the name; the caller says what goes and what stays.
 */
import { useId, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../rpc/api';
import { Dialog } from './Dialog';
import { DialogActions } from './DialogActions';
import { FormError } from './FormError';
import { TypeNameToConfirm } from './TypeNameToConfirm';

export interface RemoveByNameDialogProps {
  name: string;
  /** What removing does and does not touch. */
  children: ReactNode;
  /** Performs the removal with the typed name (the core checks it too). */
  remove(confirmName: string): Promise<unknown>;
  onRemoved(): void;
  onClose(): void;
}

export function RemoveByNameDialog({ name, children, remove, onRemoved, onClose }: RemoveByNameDialogProps) {
  const [confirmName, setConfirmName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await remove(confirmName);
      onClose();
      onRemoved();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Remove ${name} from Rackpilot?`} onClose={onClose} initialFocus={cancelRef} describedBy={`${id}-what`}>
      <p id={`${id}-what`}>{children}</p>
      <TypeNameToConfirm id={`${id}-confirm`} name={name} value={confirmName} onChange={setConfirmName} />
      <FormError message={error} />
      <DialogActions onCancel={onClose} cancelRef={cancelRef}>
        <button type="button" className="btn btn-danger" disabled={busy || confirmName !== name} onClick={() => void run()}>
          {busy ? 'Removing…' : 'Remove'}
        </button>
      </DialogActions>
    </Dialog>
  );
}
