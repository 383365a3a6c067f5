/** Stop following a lab: its progress is forgotten; the nodes keep whatever the learner did on them. */
import type { LabSummary } from '../../../shared/domain/lab';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { rpc } from '../../rpc/api';
import { loadLab } from '../../stores/labs';

export function StopLabDialog({ summary, onClose }: { summary: LabSummary; onClose(): void }) {
  const stop = async () => {
    await rpc().call('labs.stop', { labId: summary.id });
    await loadLab(summary.id);
  };
  return (
    <ConfirmDialog title={`Stop ${summary.title}?`} actionLabel="Stop lab" busyLabel="Stopping…" onConfirm={stop} onClose={onClose}>
      Your progress in this lab is forgotten. The nodes are left as they are; start the lab again any time.
    </ConfirmDialog>
  );
}
