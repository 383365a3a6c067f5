/**
 * The confirmation before a destructive action (DESIGN §10: destructive actions ask). Cancel has
 * the focus; the core may still refuse the action, and its message then shows here.
 */
import { useId, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../rpc/api';
import { Dialog } from './Dialog';
import { DialogActions } from './DialogActions';
import { FormError } from './FormError';

interface ConfirmDialogProps {
  title: string;
  /** What will happen, in a sentence or two; also the dialog's accessible description. */
  children: ReactNode;
  actionLabel: string;
  /** Shown on the button while the action runs, e.g. "Removing…". */
  busyLabel: string;
  /** Does the action; the dialog closes when it resolves and shows the error when it rejects. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, children, actionLabel, busyLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const descId = useId();
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose} initialFocus={cancelRef} describedBy={descId}>
      <p id={descId}>{children}</p>
      <FormError message={error} />
      <DialogActions onCancel={onClose} cancelRef={cancelRef}>
        <button type="button" className="btn btn-danger" onClick={confirm} disabled={busy}>
          {busy ? busyLabel : actionLabel}
        </button>
      </DialogActions>
    </Dialog>
  );
}
