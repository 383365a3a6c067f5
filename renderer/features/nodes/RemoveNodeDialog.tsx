/** Confirmation before removing a node from the inventory (DESIGN §10: destructive actions ask). */
import { useId, useRef, useState } from 'react';
import type { Node } from '../../../shared/domain/node';
import { Dialog } from '../../components/Dialog';
import { errorMessage, rpc } from '../../rpc/api';

export function RemoveNodeDialog({ node, onClose }: { node: Node; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const descId = useId();
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await rpc().call('nodes.remove', { id: node.id });
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Remove ${node.name}?`} onClose={onClose} initialFocus={cancelRef} describedBy={descId}>
      <p id={descId}>
        This removes <strong>{node.name}</strong> ({node.mac}) from the inventory. The machine itself is not touched; you
        can add it again later.
      </p>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" ref={cancelRef} onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={remove} disabled={busy}>
          {busy ? 'Removing…' : 'Remove node'}
        </button>
      </div>
    </Dialog>
  );
}
