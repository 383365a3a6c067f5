/** How clusters read on the page, and which actions a cluster's state allows (pure). */
import { API_SERVER_PORT } from '../../../shared/domain/cluster';
import type { Cluster, ClusterState } from '../../../shared/domain/cluster-record';
import type { Job } from '../../../shared/domain/job';
import { FINISHED_JOB_STATES } from '../../../shared/domain/job';

export const STATE_LABEL: Record<ClusterState, string> = {
  draft: 'draft',
  bootstrapping: 'bootstrapping',
  ready: 'ready',
  failed: 'failed',
  'tearing-down': 'tearing down',
  'torn-down': 'torn down',
  rebuilding: 'rebuilding',
};

export const STATE_CLASS: Record<ClusterState, string> = {
  draft: 'cluster-state-idle',
  bootstrapping: 'state-installing',
  ready: 'state-ready',
  failed: 'state-failed',
  'tearing-down': 'state-installing',
  'torn-down': 'cluster-state-idle',
  rebuilding: 'state-installing',
};

export function nodeCount(cluster: Pick<Cluster, 'spec'>): number {
  return cluster.spec.controlPlane.length + cluster.spec.workers.length;
}

/** "1 control plane, 2 workers". */
export function nodesLine(cluster: Pick<Cluster, 'spec'>): string {
  const cp = cluster.spec.controlPlane.length;
  const w = cluster.spec.workers.length;
  return `${cp} control plane${cp === 1 ? '' : 's'}, ${w} worker${w === 1 ? '' : 's'}`;
}

/** The endpoint kubeconfigs use once bootstrapped; before that, the spec's, or the first control plane's address:6443. */
export function endpointLabel(cluster: Pick<Cluster, 'endpoint' | 'spec'>, nodes: readonly { id: string; address: string }[]): string {
  if (cluster.endpoint) return cluster.endpoint;
  if (cluster.spec.controlPlaneEndpoint) return cluster.spec.controlPlaneEndpoint;
  const first = nodes.find((n) => n.id === cluster.spec.controlPlane[0]);
  return first?.address ? `${first.address.includes(':') ? `[${first.address}]` : first.address}:${API_SERVER_PORT}` : 'first control plane:6443';
}

/** Node names for ids, in the spec's order; an id no longer in the inventory shows as itself. */
export function nodeNames(ids: readonly string[], nodes: readonly { id: string; name: string }[]): string[] {
  return ids.map((id) => nodes.find((n) => n.id === id)?.name ?? id);
}

export const jobRunning = (job: Pick<Job, 'state'> | null | undefined): boolean => Boolean(job && !FINISHED_JOB_STATES.includes(job.state));

export interface ClusterActions {
  /** The label of the bootstrap button, or null when bootstrapping makes no sense now. */
  bootstrap: 'Bootstrap' | 'Resume bootstrap' | null;
  teardown: boolean;
  rebuild: 'Rebuild' | 'Resume rebuild' | null;
  remove: boolean;
}

/**
 * What the cluster view offers. While a job of the cluster runs, nothing else starts (the core
 * refuses too; this keeps the buttons honest). A bootstrap that stopped part-way resumes: its
 * done phases are detected and skipped.
 */
export function clusterActions(cluster: Pick<Cluster, 'state' | 'rebuild'>, busy: boolean): ClusterActions {
  const { state } = cluster;
  const unfinishedRebuild = cluster.rebuild !== null && cluster.rebuild.step !== 'done';
  if (busy) return { bootstrap: null, teardown: false, rebuild: null, remove: false };
  return {
    bootstrap: state === 'draft' || state === 'torn-down' ? 'Bootstrap' : state === 'failed' || state === 'bootstrapping' ? 'Resume bootstrap' : null,
    teardown: state !== 'draft' && state !== 'torn-down',
    rebuild: unfinishedRebuild ? 'Resume rebuild' : state === 'draft' ? null : 'Rebuild',
    // The core also forgets a failed cluster (a bootstrap that never got far); anything running is torn down first.
    remove: state === 'draft' || state === 'torn-down' || state === 'failed',
  };
}
