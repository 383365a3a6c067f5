/**
 * What the lab checks need from the rest of the core, passed in so each check reaches the
 * learner's real nodes the way the app does (pooled SSH, the node's Docker Engine, the cluster's
 * API server) without the checks knowing how those are wired.
 */
import type Dockerode from 'dockerode';
import type { ClusterStatus } from '../../../../shared/domain/cluster-record';
import type { Node } from '../../../../shared/domain/node';
import type { SshService } from '../../ssh/ssh-service';

export interface CheckDeps {
  ssh: Pick<SshService, 'run'>;
  /** The node's Docker Engine (over SSH, or `local`); rejects with a RackpilotError saying why not. */
  docker(nodeId: string, signal?: AbortSignal): Promise<Dockerode>;
  /** The cluster as its API server reports it (reachable:false says why when it cannot be asked). */
  clusterStatus(cluster: string, signal?: AbortSignal): Promise<ClusterStatus>;
  /** The cluster's admin kubeconfig YAML; throws a RackpilotError when Rackpilot has none. */
  kubeconfig(cluster: string): string;
}

/** The learner's run as the checks of one step see it. */
export interface CheckTarget {
  /** Role → the node assigned to it. */
  nodes: Record<string, Node>;
  /** When the learner reached the step (ISO): the start for `startedSinceStep`. */
  reachedAt: string | null;
  /** Role → the node's boot id when the step was reached (for `rebooted`). */
  bootIds: Record<string, string>;
}
