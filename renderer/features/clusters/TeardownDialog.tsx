/**
 * Tear a cluster down (issue 7 §6): before asking, the core's plan says which nodes are reset and
 * in what order, what will be lost (volumes on local disks, Secrets…) and where the backup (etcd
 * snapshot, PKI, kubeconfig) goes. Full or soft reset; the cluster's name is typed to confirm.
 * The job then shows on the cluster's page, ending with the wipe check.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { TeardownPlan } from '../../../shared/domain/cluster-record';
import type { Job } from '../../../shared/domain/job';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { TypeNameToConfirm } from '../../components/TypeNameToConfirm';
import { errorMessage, rpc } from '../../rpc/api';

type Mode = 'full' | 'soft';

const MODES: { id: Mode; title: string; description: string }[] = [
  {
    id: 'full',
    title: 'Full teardown',
    description: 'Backup, drain, kubeadm reset, then remove everything the cluster left: CNI config and interfaces, kube iptables chains, /etc/kubernetes, kubelet and etcd state.',
  },
  {
    id: 'soft',
    title: 'Soft reset',
    description: 'The fast path between attempts: the same backup and kubeadm-level reset and clean-up, with packages and the OS left as they are.',
  },
];

export function TeardownDialog({ name, onStarted, onClose }: { name: string; onStarted(job: Job): void; onClose(): void }) {
  const [plan, setPlan] = useState<TeardownPlan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>('full');
  const [confirmName, setConfirmName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();

  useEffect(() => {
    let live = true;
    rpc()
      .call('clusters.teardownPlan', { name })
      .then(
        (p) => live && setPlan(p),
        (err: unknown) => live && setPlanError(errorMessage(err)),
      );
    return () => {
      live = false;
    };
  }, [name]);

  const tearDown = async () => {
    setBusy(true);
    setError(null);
    try {
      onStarted(await rpc().call('clusters.teardown', { name, confirmName, mode }));
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Tear down ${name}?`} onClose={onClose} initialFocus={cancelRef} describedBy={`${id}-what`} className="dialog-wide">
      <p id={`${id}-what`}>
        This resets every node of <strong>{name}</strong> with kubeadm and removes what the cluster left on them. Workloads stop and the cluster is gone; a backup is
        taken first.
      </p>
      {!plan && !planError && (
        <p className="muted" role="status">
          Looking at what {name} holds…
        </p>
      )}
      {planError && (
        <p className="notice notice-error" role="alert">
          Could not work out what the teardown would remove: {planError}. You can still tear it down; assume everything stored in the cluster is lost.
        </p>
      )}
      {plan && <PlanDetails plan={plan} />}
      <fieldset className="cluster-choices">
        <legend>How far</legend>
        {MODES.map((m) => (
          <label key={m.id} className="radio-card" htmlFor={`${id}-${m.id}`}>
            <input id={`${id}-${m.id}`} type="radio" name={`${id}-mode`} checked={mode === m.id} onChange={() => setMode(m.id)} aria-describedby={`${id}-${m.id}-desc`} />
            <span>
              <strong>{m.title}</strong>
              <span id={`${id}-${m.id}-desc`} className="cluster-choice-description muted">
                {m.description}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <TypeNameToConfirm id={`${id}-confirm`} name={name} value={confirmName} onChange={setConfirmName} />
      <FormError message={error} />
      <DialogActions onCancel={onClose} cancelRef={cancelRef}>
        <button type="button" className="btn btn-danger" disabled={busy || (!plan && !planError) || confirmName !== name} onClick={() => void tearDown()}>
          {busy ? 'Starting…' : mode === 'soft' ? 'Soft reset' : 'Tear down'}
        </button>
      </DialogActions>
    </Dialog>
  );
}

function PlanDetails({ plan }: { plan: TeardownPlan }) {
  return (
    <div className="teardown-plan" data-testid="teardown-plan">
      <h3>Nodes, in this order</h3>
      <ol className="teardown-nodes" aria-label="Nodes to reset">
        {plan.nodes.map((n) => (
          <li key={n.id}>
            {n.name} <span className="muted">({n.role === 'control-plane' ? 'control plane' : 'worker'})</span>
          </li>
        ))}
      </ol>
      <h3>What will be lost</h3>
      {plan.apiError && (
        <p className="notice notice-warn">
          The API server did not answer ({plan.apiError}), so volumes and Secrets could not be listed: assume everything stored in the cluster is lost.
        </p>
      )}
      {plan.losses.length > 0 ? (
        <ul className="danger-callout teardown-losses" aria-label="What will be lost">
          {plan.losses.map((l) => (
            <li key={`${l.kind}:${l.name}:${l.detail}`}>
              <strong>{LOSS_KIND[l.kind]}</strong> <span className="mono">{l.name}</span> <span className="muted">{l.detail}</span>
            </li>
          ))}
        </ul>
      ) : (
        !plan.apiError && <p>Nothing beyond the cluster itself: no persistent volumes on local disks and no Secrets of your own were found.</p>
      )}
      <p>
        The backup (etcd snapshot, certificates and kubeconfig) goes to <span className="mono">{plan.backupDir}</span>. Data inside volumes is not in it.
      </p>
    </div>
  );
}

const LOSS_KIND: Record<TeardownPlan['losses'][number]['kind'], string> = {
  'persistent-volume': 'Persistent volume',
  secret: 'Secret',
  namespace: 'Namespace',
  stack: 'Stack',
};
