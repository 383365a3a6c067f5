/**
 * Start a lab: a node from the inventory for each role it needs (a node serves one role), or
 * practice-rack nodes made for it. Starting points the nodes' Docker at the lab registry when one
 * is set, which the core reports as it goes.
 */
import { useId, useState } from 'react';
import type { LabSummary } from '../../../shared/domain/lab';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { onJobChanged } from '../../stores/jobs';
import { setLabDetail, setLabJob } from '../../stores/labs';
import { useNodes } from '../../stores/nodes';
import { assignmentProblem } from './lab-format';

export function StartLabDialog({ summary, onClose }: { summary: LabSummary; onClose(): void }) {
  const nodes = useNodes((s) => s.nodes);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<'start' | 'practice' | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const id = useId();
  const roles = summary.nodes.map((n) => n.role);
  const problem = assignmentProblem(roles, picked);
  const labId = summary.id;

  const start = async () => {
    setTried(true);
    if (problem) return;
    setBusy('start');
    setError(null);
    try {
      setLabDetail(await rpc().call('labs.start', { labId, nodes: picked }, { onProgress: (p) => setProgress(p) }));
      onClose();
    } catch (err) {
      setError(`Could not start the lab: ${errorMessage(err)}`);
      setBusy(null);
      setProgress(null);
    }
  };
  const practice = async () => {
    setBusy('practice');
    setError(null);
    try {
      const job = await rpc().call('labs.startPractice', { labId });
      onJobChanged(job);
      setLabJob(labId, job.id);
      onClose();
    } catch (err) {
      setError(`Could not make practice nodes: ${errorMessage(err)}`);
      setBusy(null);
    }
  };

  return (
    <Dialog title={`Start ${summary.title}`} onClose={onClose} className="dialog-wide" describedBy={`${id}-what`}>
      <p id={`${id}-what`}>
        {roles.length === 0
          ? 'This lab needs no nodes to start: it boots its own as one of its steps.'
          : `Pick a node for each role. The lab's checks run on them over SSH; your progress is saved as you go.`}
      </p>
      {roles.length > 0 && nodes.length === 0 && (
        <p className="notice notice-warn">The inventory has no nodes yet. Make practice nodes below, or add your machines on the Nodes page first.</p>
      )}
      {roles.length > 0 && nodes.length > 0 && (
        <div className="lab-role-picks">
          {summary.nodes.map((need) => (
            <div key={need.role} className="field">
              <label htmlFor={`${id}-${need.role}`}>Node for {need.role}</label>
              <select
                id={`${id}-${need.role}`}
                value={picked[need.role] ?? ''}
                aria-describedby={`${id}-${need.role}-desc`}
                onChange={(e) => setPicked((p) => ({ ...p, [need.role]: e.target.value }))}
              >
                <option value="">Choose a node…</option>
                {nodes.map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.name} — {n.address || 'no address'} ({n.state})
                  </option>
                ))}
              </select>
              <p id={`${id}-${need.role}-desc`} className="field-hint">
                {need.description}
                {need.persistent && ' It must keep changes across a reboot (installed to disk).'}
              </p>
            </div>
          ))}
        </div>
      )}
      {tried && problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {progress && (
        <p className="muted" role="status">
          {progress}
        </p>
      )}
      <FormError message={error} />
      <div className="lab-practice-offer">
        <p className="muted">
          No spare machines? Rackpilot can make practice-rack nodes for this lab
          {summary.nodes.some((n) => n.persistent) ? ' (installed to disk where a role needs it)' : ''} and start the lab on them when they are ready.
        </p>
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void practice()}>
          {busy === 'practice' ? 'Starting…' : 'Make practice nodes'}
        </button>
      </div>
      <DialogActions onCancel={onClose}>
        <button type="button" className="btn btn-primary" disabled={busy !== null || (roles.length > 0 && nodes.length === 0)} onClick={() => void start()}>
          {busy === 'start' ? 'Starting…' : 'Start lab'}
        </button>
      </DialogActions>
    </Dialog>
  );
}
