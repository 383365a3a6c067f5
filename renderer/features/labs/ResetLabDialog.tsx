/**
 * Reset a lab to its starting point: progress cleared and — when the lab says so — every node of
 * the lab reinstalled from its boot profile (whatever is on them is gone). The dialog names those
 * nodes and asks for the lab id to be typed.
 */
import { useId, useRef, useState } from 'react';
import type { LabDetail } from '../../../shared/domain/lab';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { TypeNameToConfirm } from '../../components/TypeNameToConfirm';
import { errorMessage, rpc } from '../../rpc/api';
import { onJobChanged } from '../../stores/jobs';
import { setLabJob } from '../../stores/labs';

export function ResetLabDialog({ detail, onClose }: { detail: LabDetail; onClose(): void }) {
  const [confirmName, setConfirmName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  const { summary } = detail;
  const reinstall = summary.reset === 'reinstall';
  const nodes = Object.entries(detail.nodes).flatMap(([role, n]) => (n ? [{ role, ...n }] : []));

  const reset = async () => {
    setBusy(true);
    setError(null);
    try {
      const job = await rpc().call('labs.reset', { labId: summary.id, confirmName });
      onJobChanged(job);
      // Shown on the lab's page until the run names the reset job itself.
      setLabJob(summary.id, job.id);
      onClose();
    } catch (err) {
      setError(`Could not reset the lab: ${errorMessage(err)}`);
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Reset ${summary.title}?`} onClose={onClose} initialFocus={cancelRef} describedBy={`${id}-what`}>
      <div id={`${id}-what`}>
        <p>Your progress in this lab is cleared: you start again at step 1 on the same nodes.</p>
        {reinstall && nodes.length > 0 ? (
          <>
            <p>
              These nodes are <strong>reinstalled</strong> from their boot profile — everything on their disks is lost:
            </p>
            <ul className="danger-callout" aria-label="Nodes to reinstall">
              {nodes.map((n) => (
                <li key={n.role}>
                  {n.name} <span className="muted">({n.role}, {n.address || 'no address'})</span>
                </li>
              ))}
            </ul>
            <p className="muted">They power-cycle into the installer and phone home when done; this takes a few minutes.</p>
          </>
        ) : (
          <p>The nodes are left as they are{nodes.length > 0 ? `: ${nodes.map((n) => n.name).join(', ')}` : ''}.</p>
        )}
      </div>
      <TypeNameToConfirm id={`${id}-confirm`} name={summary.id} value={confirmName} onChange={setConfirmName} />
      <FormError message={error} />
      <DialogActions onCancel={onClose} cancelRef={cancelRef}>
        <button type="button" className="btn btn-danger" disabled={busy || confirmName !== summary.id} onClick={() => void reset()}>
          {busy ? 'Starting…' : reinstall ? 'Reset and reinstall' : 'Reset lab'}
        </button>
      </DialogActions>
    </Dialog>
  );
}
