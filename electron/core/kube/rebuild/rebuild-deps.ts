/**
 * What a rebuild needs from the rest of the core, as plain functions: the boot inventory (arm an
 * install), power (reboot), stacks (re-apply), and the cluster service's own teardown. Keeping it
 * a narrow seam lets the rebuild job stay one readable file.
 */
import type { CleanWipeReport } from '../../../../shared/domain/cluster-record';
import type { Job } from '../../../../shared/domain/job';
import type { Node } from '../../../../shared/domain/node';
import type { JobContext } from '../../jobs/jobs-service';
import type { NodesService } from '../../nodes/nodes-service';
import type { SshService } from '../../ssh/ssh-service';
import type { SshTarget } from '../../ssh/target';
import type { NodeLookup } from '../cluster-members';
import type { ClusterJobScope } from '../clusters-service';
import type { KubeNode, Remote } from '../remote';

export interface RebuildDeps {
  nodes: NodesService;
  ssh: SshService;
  remote: Remote;
  lookup: NodeLookup;
  teardown(scope: ClusterJobScope, members: KubeNode[], mode: 'soft' | 'full', ctx: JobContext): Promise<{ wipe: CleanWipeReport }>;
  requestInstall(nodeId: string, profileId: string): Node;
  /** Power driver reset when the node has one, else `systemctl reboot` over SSH with the given (pre-install) target. */
  reboot(node: Node, target: SshTarget, signal: AbortSignal): Promise<void>;
  installTimeoutMs(): number;
  saveKubeconfig(clusterName: string, adminConf: string): void;
  storedStacks(nodeId: string): string[];
  /** Starts the stack's deploy job and resolves when it has finished. */
  applyStack(nodeId: string, name: string): Promise<Job>;
}
