/**
 * The checks' way to the learner's nodes and clusters: the app's pooled SSH, each node's Docker
 * Engine through its own connector (the same transport probing as stacks, its connections closed
 * with the labs service), and the clusters service for status and kubeconfig.
 */
import type { Logger } from '../log';
import type { ClustersService } from '../kube/clusters-service';
import type { NodesService } from '../nodes/nodes-service';
import type { SshService } from '../ssh/ssh-service';
import { EngineConnector } from '../stacks/docker/engine-connector';
import { targetOf } from '../stacks/stack-place';
import type { CheckDeps } from './checks/check-deps';

export function labCheckDeps(deps: { ssh: SshService; nodes: NodesService; log: Logger; clusters: Pick<ClustersService, 'status' | 'kubeconfig'>; localDockerSocket?: string }): { checks: CheckDeps; close(): void } {
  const engines = new EngineConnector({
    ssh: deps.ssh,
    log: deps.log,
    targetOf: (nodeId) => targetOf(deps.nodes, nodeId),
    ...(deps.localDockerSocket ? { localSocket: deps.localDockerSocket } : {}),
  });
  const used = new Set<string>();
  return {
    checks: {
      ssh: deps.ssh,
      docker: async (nodeId, signal) => {
        used.add(nodeId);
        return (await engines.connect(nodeId, signal)).docker;
      },
      clusterStatus: (cluster, signal) => deps.clusters.status(cluster, signal),
      kubeconfig: (cluster) => deps.clusters.kubeconfig(cluster).yaml,
    },
    close() {
      for (const nodeId of used) engines.forget(nodeId);
      used.clear();
    },
  };
}
