/**
 * One-click rebuild (issue 7 §7): teardown (with its backup) → optional OS reinstall over PXE →
 * phone-home → provisioning → bootstrap → the stacks again. The confirmation names the cluster and
 * every node it touches; the name is typed to confirm. An unfinished rebuild resumes from the step
 * it reached.
 */
import { useId, useRef, useState } from 'react';
import type { Job } from '../../../shared/domain/job';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { TypeNameToConfirm } from '../../components/TypeNameToConfirm';
import { errorMessage, rpc } from '../../rpc/api';

interface Props {
  name: string;
  controlPlanes: readonly string[];
  workers: readonly string[];
  /** The step an unfinished rebuild reached; null for a new rebuild. */
  resumeFrom: string | null;
  onStarted(job: Job): void;
  onClose(): void;
}

export function RebuildDialog({ name, controlPlanes, workers, resumeFrom, onStarted, onClose }: Props) {
  const [reinstall, setReinstall] = useState(false);
  const [reapplyStacks, setReapplyStacks] = useState(true);
  const [confirmName, setConfirmName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  const action = resumeFrom ? 'Resume rebuild' : 'Rebuild';

  const rebuild = async () => {
    setBusy(true);
    setError(null);
    try {
      onStarted(await rpc().call('clusters.rebuild', { name, confirmName, reinstall, reapplyStacks }));
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`${action} ${name}?`} onClose={onClose} initialFocus={cancelRef} describedBy={`${id}-what`} className="dialog-wide">
      <div id={`${id}-what`}>
        {resumeFrom ? (
          <p>
            The last rebuild of <strong>{name}</strong> stopped at the <strong>{resumeFrom}</strong> step. Resuming carries on from there.
          </p>
        ) : (
          <p>
            This tears <strong>{name}</strong> down (a backup of etcd, certificates and kubeconfig is taken first), then bootstraps it again on the same nodes.
            Everything running in the cluster now is lost.
          </p>
        )}
        <p>It touches these nodes:</p>
        <ul className="rebuild-nodes" aria-label="Nodes to rebuild">
          {controlPlanes.map((n) => (
            <li key={`cp:${n}`}>
              {n} <span className="muted">(control plane)</span>
            </li>
          ))}
          {workers.map((n) => (
            <li key={`w:${n}`}>
              {n} <span className="muted">(worker)</span>
            </li>
          ))}
        </ul>
      </div>
      <label className="check rebuild-check" htmlFor={`${id}-reinstall`}>
        <input id={`${id}-reinstall`} type="checkbox" checked={reinstall} onChange={(e) => setReinstall(e.target.checked)} aria-describedby={`${id}-reinstall-desc`} />
        <span>
          Reinstall the operating system first
          <span id={`${id}-reinstall-desc`} className="cluster-choice-description muted">
            Arms each node's netboot flag and reboots it over SSH (or with its power driver): its next PXE boot wipes the disk and installs its boot profile. The
            nodes must boot from the network and phone home; this takes much longer.
          </span>
        </span>
      </label>
      <label className="check rebuild-check" htmlFor={`${id}-stacks`}>
        <input id={`${id}-stacks`} type="checkbox" checked={reapplyStacks} onChange={(e) => setReapplyStacks(e.target.checked)} aria-describedby={`${id}-stacks-desc`} />
        <span>
          Re-apply the stacks afterwards
          <span id={`${id}-stacks-desc`} className="cluster-choice-description muted">
            Deploys the stacks stored in Rackpilot for these nodes again once the cluster is back.
          </span>
        </span>
      </label>
      <TypeNameToConfirm id={`${id}-confirm`} name={name} value={confirmName} onChange={setConfirmName} />
      <FormError message={error} />
      <DialogActions onCancel={onClose} cancelRef={cancelRef}>
        <button type="button" className="btn btn-danger" disabled={busy || confirmName !== name} onClick={() => void rebuild()}>
          {busy ? 'Starting…' : action}
        </button>
      </DialogActions>
    </Dialog>
  );
}
