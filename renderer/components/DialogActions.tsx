/** A dialog's footer: the way out (Cancel) first, then the dialog's own action(s). */
import type { ReactNode, Ref } from 'react';

interface DialogActionsProps {
  onCancel: () => void;
  /** For dialogs that focus Cancel first (destructive confirmations). */
  cancelRef?: Ref<HTMLButtonElement>;
  cancelLabel?: string;
  children?: ReactNode;
}

export function DialogActions({ onCancel, cancelRef, cancelLabel = 'Cancel', children }: DialogActionsProps) {
  return (
    <div className="dialog-actions">
      <button type="button" className="btn" ref={cancelRef} onClick={onCancel}>
        {cancelLabel}
      </button>
      {children}
    </div>
  );
}
