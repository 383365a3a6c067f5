/**
 * What the labs service needs from the rest of the core, wired by the app: the inventory, SSH,
 * jobs and events, how checks reach nodes and clusters, where nodes reach this computer, and the
 * practice rack and boot inventory for practice nodes and reinstalling resets.
 */
import type { Node } from '../../../shared/domain/node';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { JobsService } from '../jobs/jobs-service';
import type { Logger } from '../log';
import type { NodesService } from '../nodes/nodes-service';
import type { SshService } from '../ssh/ssh-service';
import type { CheckDeps } from './checks/check-deps';
import type { PracticeDeps } from './practice-job';
import type { ReinstallDeps } from './reset-job';

export interface LabsServiceDeps {
  dataDir: string;
  /** The built-in labs (assets/labs). */
  labsDir: string;
  /** The learner's own labs (<dataDir>/user-labs by default). */
  userLabsDir: string;
  nodes: Pick<NodesService, 'list'>;
  ssh: Pick<SshService, 'run'>;
  jobs: JobsService;
  audit: AuditLog;
  bus: EventBus;
  log: Logger;
  checks: CheckDeps;
  /** The registry nodes' Docker pulls through (settings.labRegistry), or ''. */
  labRegistry(): string;
  /** Where these nodes reach this computer ({{host.address}}). */
  hostAddress(nodes: readonly Node[]): string;
  practice: PracticeDeps;
  reinstall: ReinstallDeps;
}
