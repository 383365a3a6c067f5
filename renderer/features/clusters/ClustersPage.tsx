/**
 * The Clusters page (issue 7 §9): the clusters Rackpilot knows, a wizard that creates one from
 * inventory nodes (with preflight), and the open cluster below the list (route #/clusters/<name>):
 * bootstrap progress per phase, status, kubeconfig, teardown and rebuild.
 */
import { useEffect, useState } from 'react';
import { navigate, useRouteItem } from '../../router';
import { followClusters, loadClusters, useClusters } from '../../stores/clusters';
import { ClustersTable } from './ClustersTable';
import { ClusterView } from './ClusterView';
import { NewClusterWizard } from './NewClusterWizard';
import './clusters.css';

export function ClustersPage() {
  const open = useRouteItem();
  const { clusters, status, error } = useClusters();
  const [creating, setCreating] = useState(false);
  const cluster = open ? clusters.find((c) => c.name === open) : undefined;

  useEffect(() => {
    followClusters();
    void loadClusters();
  }, []);

  return (
    <section className="page-section clusters-page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Clusters</h1>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          New cluster
        </button>
      </div>
      {status === 'error' && (
        <div className="notice notice-error" role="alert">
          Could not list the clusters: {error}
          <button type="button" className="btn btn-small" onClick={() => void loadClusters()}>
            Try again
          </button>
        </div>
      )}
      {(status === 'idle' || status === 'loading') && (
        <p className="empty" role="status">
          Loading the clusters…
        </p>
      )}
      {status === 'ready' && clusters.length === 0 && (
        <div className="empty">
          <h2>No clusters yet</h2>
          <p>Create one from nodes in the inventory: Rackpilot checks them, installs Kubernetes with kubeadm, joins them and hands you the kubeconfig.</p>
        </div>
      )}
      {clusters.length > 0 && <ClustersTable clusters={clusters} selected={open} />}
      {open && status === 'ready' && !cluster && (
        <p className="notice notice-warn" role="status">
          There is no cluster named {open} (any more).
        </p>
      )}
      {cluster && <ClusterView key={cluster.name} cluster={cluster} onClose={() => navigate('clusters')} />}
      {creating && <NewClusterWizard onCreated={(name) => navigate('clusters', name)} onClose={() => setCreating(false)} />}
    </section>
  );
}
