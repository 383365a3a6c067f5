/**
 * The only way past a host-key mismatch: the user, having checked the new fingerprint on the node's
 * own console, explicitly replaces the pinned key. Cancel has the focus and the action stays
 * disabled until they say they checked — accepting a man-in-the-middle's key must never be a
 * reflex click.
 */
import { useId, useRef, useState } from 'react';
import type { HostKeyScan } from '../../../shared/contract';
import type { Node } from '../../../shared/domain/node';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { errorMessage } from '../../rpc/api';
import { fingerprintCommand, keyTypeLabel } from './host-key-format';

interface Props {
  node: Node;
  scan: HostKeyScan;
  onReplace(fingerprint: string): Promise<void>;
  onClose(): void;
}

export function ReplaceHostKeyDialog({ node, scan, onReplace, onClose }: Props) {
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const descId = useId();
  const checkId = useId();

  const replace = async () => {
    setBusy(true);
    setError(null);
    try {
      await onReplace(scan.presented.fingerprint);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Replace the pinned host key of ${node.name}?`} onClose={onClose} initialFocus={cancelRef} describedBy={descId} className="dialog-form">
      <div className="danger-callout" id={descId}>
        <p>
          <strong>Only do this if you know why the key changed.</strong> If {node.name} was not reinstalled, someone may be
          intercepting the connection (a man-in-the-middle), and everything Rackpilot sends — commands, files, sudo — would go
          to them.
        </p>
        <dl className="key-compare">
          <dt>Pinned now</dt>
          <dd>
            {scan.pinned.map((k) => (
              <span key={k.fingerprint} className="mono fingerprint fingerprint-old">
                {keyTypeLabel(k.type)} {k.fingerprint}
              </span>
            ))}
          </dd>
          <dt>Presented</dt>
          <dd>
            <span className="mono fingerprint fingerprint-new">
              {keyTypeLabel(scan.presented.type)} {scan.presented.fingerprint}
            </span>
          </dd>
        </dl>
        <p className="muted">
          Check it on the node's own console (not over SSH): <code className="mono">{fingerprintCommand(scan.presented.type)}</code>
        </p>
      </div>
      <FormError message={error} />
      <label className="check" htmlFor={checkId}>
        <input id={checkId} type="checkbox" checked={checked} onChange={(e) => setChecked(e.target.checked)} />
        <span>I checked on the node's console that its key has the new fingerprint.</span>
      </label>
      <DialogActions onCancel={onClose} cancelRef={cancelRef}>
        <button type="button" className="btn btn-danger" disabled={!checked || busy} onClick={replace}>
          {busy ? 'Replacing…' : 'Replace the pinned key'}
        </button>
      </DialogActions>
    </Dialog>
  );
}
