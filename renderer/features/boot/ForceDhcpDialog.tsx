/** The explicit confirmation before full DHCP may start beside another DHCP server. */
import { useId, useRef } from 'react';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';

export function ForceDhcpDialog({ onConfirm, onClose }: { onConfirm: () => void; onClose: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const descId = useId();
  return (
    <Dialog title="Force full DHCP beside another DHCP server?" onClose={onClose} initialFocus={cancelRef} describedBy={descId}>
      <div className="danger-callout" id={descId}>
        <p>
          <strong>Two DHCP servers on one network hand out conflicting addresses.</strong> On a home or office network this
          can take every device offline — phones, laptops, the router’s own clients — until Rackpilot stops.
        </p>
        <p>Only force it on an isolated lab network where you know the other answer is harmless (say, a switch you control).</p>
      </div>
      <DialogActions onCancel={onClose} cancelRef={cancelRef}>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          Yes, start even if another DHCP server answers
        </button>
      </DialogActions>
    </Dialog>
  );
}
