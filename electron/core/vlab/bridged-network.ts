/**
 * The bridged practice rack: brings the lab wire (lab-namespace.ts), in the home-LAN shape its
 * home router (home-router.ts), and the boot services (bridged-boot.ts) up for the first bridged
 * node that starts, gives each node its tap, and takes everything down again — taps, router, veth,
 * namespace, boot settings — when the last one stops, on app close, and at the next start after a
 * crash. Bridged is never chosen for the user: a node is bridged only when it was created with
 * `network: 'bridged'`.
 */
import type { VlabBridgedStatus, VlabRouter } from '../../../shared/domain/vlab';
import { VlabErrorCode } from '../../../shared/domain/vlab';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { Logger } from '../log';
import type { SettingsRepo } from '../store/settings-repo';
import { BridgedBoot, bootTakeoverText, type BootControl } from './bridged-boot';
import { HomeRouter, homeRouterUnavailable, removeRouterLeases } from './home-router';
import { findIp, LAB_CIDR, LAB_SUBNET, LabNamespace, labNames, removeLeftoverLabs, tapName, type LabNames } from './lab-namespace';
import { labPrivileges } from './lab-privileges';
import { LAB_SHAPE_NAMES, readLabShape, writeLabShape } from './lab-shape';
import { watchRouterLeases } from './router-leases';

export interface BridgedDeps {
  dataDir: string;
  /** Absent: this core has no boot services to put on the lab (bridged is then unavailable). */
  boot: BootControl | undefined;
  settings: SettingsRepo;
  log: Logger;
  /** Home-LAN shape: the lab's router leased `ip` to `mac` (where SSH finds that node). */
  onRouterLease?: (mac: string, ip: string) => void;
}

/** Where a bridged node's QEMU runs and plugs in. */
export interface BridgedAttachment {
  ipPath: string;
  ns: string;
  tap: string;
}

export class BridgedNetwork {
  readonly names: LabNames;
  private readonly attached = new Set<string>();
  private busy: Promise<unknown> = Promise.resolve();
  /** The running lab's shape; null while there is no lab. */
  private shape: VlabRouter | null = null;
  private router: { process: HomeRouter; stopWatching: () => void } | null = null;

  constructor(private readonly deps: BridgedDeps) {
    this.names = labNames(deps.dataDir);
  }

  /** Why bridged cannot run here, or null when it can. */
  unavailable(): string | null {
    const privileges = labPrivileges();
    if (!privileges.ok) return privileges.reason;
    if (!findIp()) return 'bridged needs the `ip` command (sudo apt-get install iproute2)';
    if (!this.deps.boot) return 'bridged needs the boot services, which this core does not run';
    return null;
  }

  /** Throws the user-facing error when bridged cannot run here. */
  assertAvailable(what: string): void {
    const why = this.unavailable();
    if (why) {
      throw new RackpilotError(
        VlabErrorCode.BridgedUnavailable,
        `${what} needs the bridged lab network, which cannot run here: ${why}. Rootless networking works without any privileges and boots the same way — create the node with network "rootless" (the default).`,
      );
    }
  }

  status(): VlabBridgedStatus {
    const why = this.unavailable();
    const ipPath = findIp();
    const router = this.shape ?? readLabShape(this.deps.settings);
    return {
      available: why === null,
      reason: why ?? `${LAB_CIDR} in the namespace ${this.names.ns} (${LAB_SHAPE_NAMES[router]}); create nodes with network "bridged" to use it`,
      namespace: this.names.ns,
      hostInterface: this.names.hostIf,
      subnet: LAB_CIDR,
      hostAddress: LAB_SUBNET.hostAddress,
      active: ipPath !== null && this.attached.size > 0 && new LabNamespace(this.names, ipPath).exists(),
      running: this.attached.size,
      bootTakeover: bootTakeoverText(this.names, router),
      router,
      homeRouterUnavailable: homeRouterUnavailable(),
    };
  }

  /** Chooses the next lab's shape; refused while bridged nodes run (their wire has one already). */
  configure(router: VlabRouter): Promise<void> {
    return this.serialised(async () => {
      if (this.attached.size > 0 && router !== this.shape) {
        throw new RackpilotError(
          ErrorCode.Conflict,
          `The bridged lab is running (${LAB_SHAPE_NAMES[this.shape ?? 'rackpilot']}) with ${this.attached.size} node(s) on it. Stop its bridged nodes first, then change the shape.`,
        );
      }
      if (router === 'home-router') this.assertHomeRouter();
      writeLabShape(this.deps.settings, router);
    });
  }

  private assertHomeRouter(): void {
    const why = homeRouterUnavailable();
    if (why) {
      throw new RackpilotError(VlabErrorCode.HomeRouterUnavailable, `The home-LAN shape cannot run here: ${why}. The isolated lab (Rackpilot as the DHCP server) works without it.`);
    }
  }

  /** Lab up (first node: namespace, veth, boot services), then this node's tap. */
  attach(vmId: string, vmName: string): Promise<BridgedAttachment> {
    return this.serialised(async () => {
      this.assertAvailable(`${vmName}`);
      const ipPath = findIp() as string;
      const lab = new LabNamespace(this.names, ipPath);
      const shape = this.attached.size === 0 ? readLabShape(this.deps.settings) : (this.shape ?? 'rackpilot');
      const boot = new BridgedBoot(this.deps.boot as BootControl, this.deps.settings, this.names, shape);
      if (this.attached.size === 0) {
        if (shape === 'home-router') this.assertHomeRouter();
        // A namespace without running nodes is a leftover: start from a clean wire.
        lab.destroy();
        lab.create();
        try {
          // The router first: a node's firmware may ask for an address as soon as it starts.
          if (shape === 'home-router') await this.startRouter(lab, ipPath);
          await boot.takeOver();
        } catch (err) {
          await this.stopRouter();
          lab.destroy();
          throw err;
        }
        this.shape = shape;
        this.deps.log.info('bridged lab network up', { ns: this.names.ns, veth: this.names.hostIf, subnet: LAB_CIDR, shape });
      }
      const tap = tapName(vmId);
      try {
        lab.addTap(tap);
      } catch (err) {
        if (this.attached.size === 0) await this.teardown(lab, boot);
        throw err;
      }
      this.attached.add(vmId);
      return { ipPath, ns: this.names.ns, tap };
    });
  }

  /** The node's QEMU is gone: its tap goes; with the last node, the lab and the boot takeover. */
  detach(vmId: string): Promise<void> {
    return this.serialised(async () => {
      if (!this.attached.delete(vmId)) return;
      const ipPath = findIp();
      if (!ipPath) return;
      const lab = new LabNamespace(this.names, ipPath);
      lab.removeTap(tapName(vmId));
      if (this.attached.size === 0 && this.deps.boot) await this.teardown(lab, new BridgedBoot(this.deps.boot, this.deps.settings, this.names));
    });
  }

  /**
   * Start-up, after stale QEMUs were ended: remove our namespace and veth (and any other
   * `rackpilot-lab-*` nobody lives in), and put back boot settings a crash left taken over.
   * Queued like attach, so a node started meanwhile waits for the clean-up.
   */
  reconcile(): Promise<void> {
    return this.serialised(() => this.removeLeftovers());
  }

  private async removeLeftovers(): Promise<void> {
    const ipPath = findIp();
    if (ipPath && labPrivileges().ok) {
      const removed = removeLeftoverLabs(ipPath, this.names);
      if (removed.length > 0) this.deps.log.warn(`removed leftover lab network(s) of an earlier run: ${removed.join(', ')}`);
    }
    removeRouterLeases(this.deps.dataDir);
    if (this.deps.boot) {
      const boot = new BridgedBoot(this.deps.boot, this.deps.settings, this.names);
      if (boot.active) {
        await boot.restore();
        this.deps.log.warn('restored the boot settings the bridged lab had taken over before Rackpilot stopped');
      }
    }
  }

  private async teardown(lab: LabNamespace, boot: BridgedBoot): Promise<void> {
    try {
      await boot.restore();
    } finally {
      await this.stopRouter();
      lab.destroy();
      this.shape = null;
      this.deps.log.info('bridged lab network down', { ns: this.names.ns });
    }
  }

  private async startRouter(lab: LabNamespace, ipPath: string): Promise<void> {
    const dnsmasq = new HomeRouter(this.deps.dataDir, this.names.ns, this.deps.log);
    await dnsmasq.start({ ipPath, ns: this.names.ns, bridge: this.names.bridge, addBridgeAddress: (cidr) => lab.addBridgeAddress(cidr) });
    const onLease = this.deps.onRouterLease ?? (() => {});
    this.router = { process: dnsmasq, stopWatching: watchRouterLeases(dnsmasq.leaseFile, onLease) };
  }

  private async stopRouter(): Promise<void> {
    const router = this.router;
    this.router = null;
    router?.stopWatching();
    await router?.process.stop();
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.busy.then(work, work);
    this.busy = next.catch(() => undefined);
    return next;
  }
}
