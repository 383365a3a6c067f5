/**
 * One cluster (route #/clusters/<name>): its state and actions — Bootstrap or Resume, Teardown,
 * Rebuild, Remove — its last job's phases and log, what went wrong when it failed, its status and
 * kubeconfig once it runs, and the backups taken before teardowns.
 */
import { useState } from 'react';
import type { Cluster } from '../../../shared/domain/cluster-record';
import type { Job } from '../../../shared/domain/job';
import { errorMessage, rpc } from '../../rpc/api';
import { onJobChanged } from '../../stores/jobs';
import { useNodes } from '../../stores/nodes';
import { formatTime } from '../activity/format';
import { clusterActions, endpointLabel, jobRunning, nodeNames, nodesLine, STATE_CLASS, STATE_LABEL } from './cluster-format';
import { ClusterJob } from './ClusterJob';
import { DiagnosesList } from './DiagnosesList';
import { KubeconfigPanel } from './KubeconfigPanel';
import { PreflightReportView } from './PreflightReportView';
import { RebuildDialog } from './RebuildDialog';
import { RemoveClusterDialog } from './RemoveClusterDialog';
import { preflightReportOf, wipeReportOf } from './report-format';
import { StatusPanel } from './StatusPanel';
import { TeardownDialog } from './TeardownDialog';
import { useJob } from './use-job';
import { WipeReportView } from './WipeReportView';

type DialogName = 'teardown' | 'rebuild' | 'remove';

export function ClusterView({ cluster, onClose }: { cluster: Cluster; onClose(): void }) {
  const nodes = useNodes((s) => s.nodes);
  const [started, setStarted] = useState<{ job: Job; lastBefore: string | null } | null>(null);
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  // The job this view started shows until the record names another one (then the record is current).
  const ownJob = started && (cluster.lastJobId === started.lastBefore || cluster.lastJobId === started.job.id) ? started.job.id : null;
  const { job, error: jobError } = useJob(ownJob ?? cluster.lastJobId);
  const busy = jobRunning(job) || starting;
  const actions = clusterActions(cluster, busy);
  const name = cluster.name;
  const controlPlanes = nodeNames(cluster.spec.controlPlane, nodes);
  const workers = nodeNames(cluster.spec.workers, nodes);
  const members = [...cluster.spec.controlPlane, ...cluster.spec.workers].map((id) => ({ id, name: nodes.find((n) => n.id === id)?.name ?? id }));

  const onStarted = (j: Job) => {
    onJobChanged(j);
    setStarted({ job: j, lastBefore: cluster.lastJobId });
  };
  const bootstrap = async () => {
    setStarting(true);
    setError(null);
    try {
      onStarted(await rpc().call('clusters.bootstrap', { name }));
    } catch (err) {
      setError(`Could not start the bootstrap: ${errorMessage(err)}`);
    } finally {
      setStarting(false);
    }
  };

  const preflight = preflightReportOf(job);
  const wipe = wipeReportOf(job);
  const showStatus = cluster.hasKubeconfig && cluster.state !== 'torn-down' && cluster.state !== 'draft';

  return (
    <section className="panel cluster-view" aria-labelledby="cluster-view-title" data-testid="cluster-view">
      <div className="panel-head">
        <h2 id="cluster-view-title">{name}</h2>
        <span className={`badge ${STATE_CLASS[cluster.state]}`} data-testid="cluster-view-state">
          {STATE_LABEL[cluster.state]}
        </span>
        <span className="muted">
          Kubernetes {cluster.spec.kubernetesVersion} · {cluster.spec.cni} · {endpointLabel(cluster, nodes)}
        </span>
        <div className="panel-actions">
          {actions.bootstrap && (
            <button type="button" className="btn btn-primary" onClick={() => void bootstrap()} disabled={starting}>
              {starting ? 'Starting…' : actions.bootstrap}
            </button>
          )}
          {actions.teardown && (
            <button type="button" className="btn btn-danger-quiet" onClick={() => setDialog('teardown')}>
              Teardown
            </button>
          )}
          {actions.rebuild && (
            <button type="button" className="btn btn-danger-quiet" onClick={() => setDialog('rebuild')}>
              {actions.rebuild}
            </button>
          )}
          {actions.remove && (
            <button type="button" className="btn btn-danger-quiet" onClick={() => setDialog('remove')}>
              Remove
            </button>
          )}
          <button type="button" className="btn" onClick={onClose} aria-label={`Close ${name}`}>
            Close
          </button>
        </div>
      </div>
      <dl className="cluster-facts">
        <div>
          <dt>Control planes</dt>
          <dd>{controlPlanes.join(', ')}</dd>
        </div>
        <div>
          <dt>Workers</dt>
          <dd>{workers.length > 0 ? workers.join(', ') : 'none: workloads run on the control plane'}</dd>
        </div>
        <div>
          <dt>Networks</dt>
          <dd className="mono">
            pods {cluster.spec.podCidr} · services {cluster.spec.serviceCidr}
          </dd>
        </div>
        <div>
          <dt>Nodes</dt>
          <dd>{nodesLine(cluster)}</dd>
        </div>
      </dl>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {jobError && <p className="notice notice-warn">{jobError}</p>}
      {cluster.state === 'draft' && !job && <p className="muted">Not bootstrapped yet: Bootstrap installs Kubernetes on the nodes and creates the cluster.</p>}
      {job && (
        <ClusterJob key={job.id} job={job}>
          {preflight && <PreflightReportView report={preflight} nodes={members} />}
          {wipe && <WipeReportView report={wipe} />}
        </ClusterJob>
      )}
      {cluster.state === 'failed' && <DiagnosesList diagnoses={cluster.diagnoses} />}
      {showStatus && <StatusPanel name={name} revision={`${cluster.state}:${cluster.updatedAt}`} />}
      {cluster.hasKubeconfig && cluster.state !== 'torn-down' && <KubeconfigPanel name={name} />}
      <Backups cluster={cluster} />
      {dialog === 'teardown' && <TeardownDialog name={name} onStarted={onStarted} onClose={() => setDialog(null)} />}
      {dialog === 'rebuild' && (
        <RebuildDialog
          name={name}
          controlPlanes={controlPlanes}
          workers={workers}
          resumeFrom={actions.rebuild === 'Resume rebuild' ? (cluster.rebuild?.step ?? null) : null}
          onStarted={onStarted}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'remove' && <RemoveClusterDialog name={name} backups={cluster.backups.length} onRemoved={onClose} onClose={() => setDialog(null)} />}
    </section>
  );
}

function Backups({ cluster }: { cluster: Cluster }) {
  if (cluster.backups.length === 0) return null;
  return (
    <section className="cluster-backups" aria-labelledby="cluster-backups-title">
      <h3 id="cluster-backups-title">Backups</h3>
      <ul>
        {cluster.backups.map((b) => (
          <li key={b.id}>
            {formatTime(b.takenAt)} <span className="muted">before a {b.reason}</span> — <span className="mono">{b.dir}</span>{' '}
            <span className="muted">({b.files.map((f) => f.name).join(', ')})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
