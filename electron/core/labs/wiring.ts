/**
 * Builds the labs service for the composition root (app.ts): where labs are read from, how checks
 * reach nodes and clusters, where nodes reach this computer, and the practice rack, boot inventory
 * and power drivers for practice nodes and reinstalling resets.
 */
import { join } from 'node:path';
import type { BootService } from '../boot/boot-service';
import type { ProfilesService } from '../boot/profiles/profiles-service';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { JobsService } from '../jobs/jobs-service';
import type { ClustersService } from '../kube/clusters-service';
import { rebootNode } from '../kube/rebuild/reboot';
import type { Logger } from '../log';
import type { BootInventory } from '../nodes/boot-inventory';
import type { NodesService } from '../nodes/nodes-service';
import type { SshService } from '../ssh/ssh-service';
import type { SettingsRepo } from '../store/settings-repo';
import type { PowerService } from '../vlab/power/power-service';
import type { VlabService } from '../vlab/vlab-service';
import { labCheckDeps } from './check-wiring';
import { builtInLabsDir } from './lab-source';
import { LabsService } from './labs-service';
import { hostAddressFor } from './place-values';

export interface LabsWiring {
  dataDir: string;
  /** The app's bundled assets folder, when it has one (built-in labs are its labs/). */
  assetsDir: string | null;
  labsDir?: string;
  userLabsDir?: string;
  nodes: NodesService;
  ssh: SshService;
  jobs: JobsService;
  audit: AuditLog;
  bus: EventBus;
  log: Logger;
  settings: SettingsRepo;
  boot: BootService;
  bootInventory: BootInventory;
  profiles: ProfilesService;
  vlab: VlabService;
  power: PowerService;
  clusters: ClustersService;
}

export function createLabs(w: LabsWiring): { labs: LabsService; close(): void } {
  const checks = labCheckDeps({ ssh: w.ssh, nodes: w.nodes, log: w.log, clusters: w.clusters });
  const installWait = {
    node: (id: string) => w.nodes.get(id),
    audit: w.audit,
    ssh: w.ssh,
    profile: (id: string) => {
      try {
        return w.profiles.get(id);
      } catch {
        return null;
      }
    },
    installTimeoutMs: () => w.settings.get().installTimeoutMinutes * 60_000,
    requestInstall: (nodeId: string, profileId: string) => w.bootInventory.requestInstall(nodeId, profileId),
  };
  const labs = new LabsService({
    dataDir: w.dataDir,
    labsDir: w.labsDir ?? builtInLabsDir(w.assetsDir),
    userLabsDir: w.userLabsDir ?? join(w.dataDir, 'user-labs'),
    nodes: w.nodes,
    ssh: w.ssh,
    jobs: w.jobs,
    audit: w.audit,
    bus: w.bus,
    log: w.log,
    checks: checks.checks,
    labRegistry: () => w.settings.get().labRegistry,
    hostAddress: (labNodes) => hostAddressFor(labNodes, { serverAddress: w.boot.config().serverAddress, vmOf: (id) => w.vlab.list().find((v) => v.nodeId === id) }),
    practice: { ...installWait, vlab: w.vlab, bootRunning: async () => (await w.boot.status()).running },
    reinstall: { ...installWait, reboot: rebootNode(w.power, w.ssh) },
  });
  return { labs, close: () => checks.close() };
}
