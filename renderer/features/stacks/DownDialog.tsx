/**
 * "Down": removes the stack's containers and networks. Volumes hold data, so they stay unless the
 * user asks, and then only after typing the stack's name. The job that does it shows on the page.
 */
import { useId, useRef, useState } from 'react';
import type { Job } from '../../../shared/domain/job';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { TypeNameToConfirm } from '../../components/TypeNameToConfirm';

export function DownDialog({ nodeId, name, onStarted, onClose }: { nodeId: string; name: string; onStarted(job: Job): void; onClose(): void }) {
  const [removeVolumes, setRemoveVolumes] = useState(false);
  const [confirmName, setConfirmName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  const confirmed = !removeVolumes || confirmName === name;

  const down = async () => {
    setBusy(true);
    setError(null);
    try {
      onStarted(await rpc().call('stacks.down', { nodeId, name, removeVolumes, ...(removeVolumes ? { confirmName } : {}) }));
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Take ${name} down?`} onClose={onClose} initialFocus={cancelRef} describedBy={`${id}-what`}>
      <p id={`${id}-what`}>
        This stops and removes the containers and networks of <strong>{name}</strong>. Its volumes are kept unless you remove them below; its files stay in Rackpilot and
        you can deploy it again.
      </p>
      <label className="check stack-check">
        <input type="checkbox" checked={removeVolumes} onChange={(e) => setRemoveVolumes(e.target.checked)} /> Also remove its volumes (their data is deleted)
      </label>
      {removeVolumes && (
        <TypeNameToConfirm id={`${id}-confirm`} name={name} value={confirmName} onChange={setConfirmName} />
      )}
      <FormError message={error} />
      <DialogActions onCancel={onClose} cancelRef={cancelRef}>
        <button type="button" className="btn btn-danger" disabled={busy || !confirmed} onClick={() => void down()}>
          {busy ? 'Starting…' : removeVolumes ? 'Down and remove volumes' : 'Down'}
        </button>
      </DialogActions>
    </Dialog>
  );
}
