/**
 * The clusters Rackpilot knows (issue 7): `clusters.list` fetched when the Clusters page is first
 * visited, kept fresh from `clusters.changed`. Followed lazily (the page subscribes on its first
 * visit) and reloaded after a reconnect, when events may have been missed.
 */
import { create } from 'zustand';
import type { Events } from '../../shared/contract';
import type { Cluster } from '../../shared/domain/cluster-record';
import { errorMessage, rpc } from '../rpc/api';
import { onReconnected, subscribeOnce } from './follow';

export type ClusterChange = Events['clusters.changed'];

interface ClustersStore {
  clusters: Cluster[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
}

export const useClusters = create<ClustersStore>()(() => ({ clusters: [], status: 'idle', error: null }));

const byName = (a: Cluster, b: Cluster) => a.name.localeCompare(b.name);

/** Applies one change to the list, keeping it sorted by name (pure; exported for tests). */
export function applyClusterChange(clusters: readonly Cluster[], change: ClusterChange): Cluster[] {
  const name = change.op === 'upsert' ? change.cluster.name : change.name;
  const others = clusters.filter((c) => c.name !== name);
  return change.op === 'upsert' ? [...others, change.cluster].sort(byName) : others;
}

function onClustersChanged(change: ClusterChange): void {
  useClusters.setState((s) => ({ clusters: applyClusterChange(s.clusters, change) }));
}

/** Subscribes to `clusters.changed` once; safe to call on every visit of the page. */
export function followClusters(): void {
  subscribeOnce('clusters.changed', 'clusters.changed', onClustersChanged);
  if (!reconnectHooked) {
    reconnectHooked = true;
    onReconnected(() => void loadClusters());
  }
}
let reconnectHooked = false;

/** Fetches the list; an earlier list stays shown while it loads. */
export async function loadClusters(): Promise<void> {
  useClusters.setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
  try {
    const clusters = await rpc().call('clusters.list', {});
    useClusters.setState({ clusters: [...clusters].sort(byName), status: 'ready', error: null });
  } catch (err) {
    useClusters.setState({ status: 'error', error: errorMessage(err) });
  }
}

/** Puts a record the caller just got back (e.g. from clusters.save) into the list. */
export function upsertCluster(cluster: Cluster): void {
  onClustersChanged({ op: 'upsert', cluster });
}
