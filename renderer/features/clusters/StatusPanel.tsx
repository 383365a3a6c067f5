/**
 * A running cluster's health, read through its kubeconfig (`clusters.status`): nodes with Ready,
 * roles, kubelet version and IP; the kube-system pods; and when the first certificate expires.
 * Read when shown and on Refresh — not polled, each read is a round of API calls.
 */
import { useEffect, useState } from 'react';
import type { ClusterStatus } from '../../../shared/domain/cluster-record';
import { errorMessage, rpc } from '../../rpc/api';
import { formatTime } from '../activity/format';
import { certExpiry } from './report-format';

export function StatusPanel({ name, revision }: { name: string; /** Changes when the cluster changed: read again. */ revision: string }) {
  const [status, setStatus] = useState<ClusterStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    let live = true;
    rpc()
      .call('clusters.status', { name })
      .then(
        (s) => {
          if (!live) return;
          setStatus(s);
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (!live) return;
          setError(errorMessage(err));
          setLoading(false);
        },
      );
    return () => {
      live = false;
    };
  }, [name, revision, asked]);

  const refresh = () => {
    setLoading(true);
    setAsked((n) => n + 1);
  };
  const expiry = certExpiry(status?.certificates ?? null);

  return (
    <section className="panel cluster-status" aria-labelledby="cluster-status-title" data-testid="cluster-status">
      <div className="panel-head">
        <h3 id="cluster-status-title">Status</h3>
        {status && <span className="muted">checked {formatTime(status.checkedAt)}</span>}
        {status?.serverVersion && <span className="muted">API server {status.serverVersion}</span>}
        <div className="panel-actions">
          <button type="button" className="btn btn-small" onClick={refresh} disabled={loading} aria-label="Refresh status">
            {loading ? 'Reading…' : 'Refresh'}
          </button>
        </div>
      </div>
      {error && (
        <p className="notice notice-error" role="alert">
          Could not read the status of {name}: {error}
        </p>
      )}
      {status && !status.reachable && (
        <p className="notice notice-error" role="alert">
          The API server of {name} did not answer: {status.error ?? 'no reason given'}. Check that the control-plane nodes are up, then refresh.
        </p>
      )}
      {!status && loading && (
        <p className="muted" role="status">
          Reading the status of {name}…
        </p>
      )}
      {status?.reachable && (
        <>
          <table className="events cluster-nodes" aria-label="Cluster nodes">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Ready</th>
                <th scope="col">Roles</th>
                <th scope="col">Version</th>
                <th scope="col">IP</th>
              </tr>
            </thead>
            <tbody>
              {status.nodes.map((n) => (
                <tr key={n.name} data-testid="cluster-node" data-ready={n.ready}>
                  <th scope="row">{n.name}</th>
                  <td>
                    <span className={`badge ${n.ready ? 'state-ready' : 'state-failed'}`}>{n.ready ? 'Ready' : 'NotReady'}</span>
                    {n.message && !n.ready && <p className="muted cluster-node-message">{n.message}</p>}
                  </td>
                  <td>{n.roles.length > 0 ? n.roles.join(', ') : 'worker'}</td>
                  <td className="mono">{n.kubeletVersion}</td>
                  <td className="mono">{n.internalIp ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted" data-testid="cluster-ready-count">
            {status.nodes.filter((n) => n.ready).length} of {status.nodes.length} nodes Ready
          </p>
          <SystemPods status={status} />
        </>
      )}
      {expiry && (
        <p className={expiry.warn ? 'notice notice-warn' : 'muted'} data-testid="cluster-cert-expiry">
          Certificates expire {formatTime(expiry.earliest)}
          {expiry.days !== null && ` (in ${expiry.days} days)`}
          {expiry.warn && ': renew them with kubeadm certs renew all on each control plane, then restart the control-plane pods.'}
        </p>
      )}
    </section>
  );
}

function SystemPods({ status }: { status: ClusterStatus }) {
  if (status.systemPods.length === 0) return <p className="muted">No kube-system pods yet.</p>;
  return (
    <table className="events cluster-pods" aria-label="kube-system pods">
      <thead>
        <tr>
          <th scope="col">Pod</th>
          <th scope="col">Phase</th>
          <th scope="col">Ready</th>
          <th scope="col">Restarts</th>
          <th scope="col">Node</th>
        </tr>
      </thead>
      <tbody>
        {status.systemPods.map((p) => (
          <tr key={p.name}>
            <th scope="row" className="mono">
              {p.name}
            </th>
            <td>{p.phase}</td>
            <td>{p.ready ? 'yes' : 'no'}</td>
            <td>{p.restarts}</td>
            <td>{p.nodeName ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
