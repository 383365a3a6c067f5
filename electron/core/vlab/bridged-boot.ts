/**
 * The boot services while bridged nodes run. They run in this machine's namespace; on the lab's
 * veth they serve TFTP, HTTP and either full DHCP (allowed: the wire is isolated and Rackpilot's
 * own) or, in the home-LAN shape where the lab's home router hands out addresses, proxyDHCP.
 * There is one boot configuration, so the user's is saved first — in the settings, so a crash
 * cannot lose it — and put back (and the services left running or stopped as they were) when
 * the last bridged node stops, the app closes, or at the next start after a crash.
 */
import type { BootConfig, BootStatus } from '../../../shared/domain/boot';
import { VlabErrorCode, type VlabRouter } from '../../../shared/domain/vlab';
import { RackpilotError } from '../../../shared/errors';
import type { SettingsRepo } from '../store/settings-repo';
import { HOME_ROUTER } from './home-router';
import { LAB_CIDR, LAB_SUBNET, type LabNames } from './lab-namespace';

/** What the practice rack needs of the boot services (BootService provides it). */
export interface BootControl {
  config(): BootConfig;
  status(): Promise<BootStatus>;
  configure(changes: Partial<BootConfig>): Promise<BootStatus>;
  start(): Promise<BootStatus>;
  stop(): Promise<BootStatus>;
}

const SETTINGS_KEY = 'vlab';
/** Firmware PXE only speaks to the well-known ports. */
const PXE_PORTS = { dhcp: 67, proxy: 4011, tftp: 69 } as const;

interface Saved {
  config: BootConfig;
  wasRunning: boolean;
}

export function bridgedBootConfig(current: BootConfig, names: LabNames, router: VlabRouter = 'rackpilot'): BootConfig {
  const onVeth: BootConfig = { ...current, serverAddress: LAB_SUBNET.hostAddress, interfaceName: names.hostIf, ports: { ...current.ports, ...PXE_PORTS }, forceDhcp: false };
  // The home router gives the addresses; proxyDHCP adds only the boot answer (the pool is unused).
  if (router === 'home-router') return { ...onVeth, mode: 'proxy' };
  return {
    ...onVeth,
    mode: 'dhcp',
    // No router and no DNS: the lab reaches this machine and nothing beyond it.
    dhcpPool: { start: LAB_SUBNET.poolStart, end: LAB_SUBNET.poolEnd, subnetMask: LAB_SUBNET.netmask, router: '', dns: [], leaseSeconds: 3600 },
  };
}

export function bootTakeoverText(names: LabNames, router: VlabRouter = 'rackpilot'): string {
  const where = `on ${names.hostIf} (${LAB_SUBNET.hostAddress}, ${LAB_CIDR}) only — a veth into Rackpilot's own namespace, not your network. Your settings (and whether the services ran) are put back when the last bridged node stops or Rackpilot closes.`;
  if (router === 'home-router') {
    return `Starting the first bridged node starts the lab's home router (dnsmasq inside the lab namespace at ${HOME_ROUTER.address}, handing out ${HOME_ROUTER.poolStart}–${HOME_ROUTER.poolEnd}, addresses only), saves your boot settings and runs the boot services as proxyDHCP (67, 4011), TFTP (69) and HTTP ${where}`;
  }
  return `Starting the first bridged node saves your boot settings and runs the boot services as full DHCP (pool ${LAB_SUBNET.poolStart}–${LAB_SUBNET.poolEnd}), TFTP (69) and HTTP ${where}`;
}

function settingsDoc(settings: SettingsRepo): Record<string, unknown> {
  const doc = settings.getDocument(SETTINGS_KEY);
  return typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
}

function readSaved(settings: SettingsRepo): Saved | null {
  const saved = settingsDoc(settings).bridgedSavedBoot;
  if (typeof saved !== 'object' || saved === null) return null;
  const s = saved as Partial<Saved>;
  return s.config ? { config: s.config, wasRunning: s.wasRunning === true } : null;
}

function writeSaved(settings: SettingsRepo, saved: Saved | null): void {
  const { bridgedSavedBoot: _drop, ...rest } = settingsDoc(settings);
  settings.setDocument(SETTINGS_KEY, saved ? { ...rest, bridgedSavedBoot: saved } : rest);
}

export class BridgedBoot {
  constructor(
    private readonly boot: BootControl,
    private readonly settings: SettingsRepo,
    private readonly names: LabNames,
    /** Which shape takeOver() serves; restore() needs none. */
    private readonly router: VlabRouter = 'rackpilot',
  ) {}

  /** Our settings are in force (possibly left by a crash). */
  get active(): boolean {
    return readSaved(this.settings) !== null;
  }

  /** Saves the user's settings, then serves the lab; throws (settings restored) unless all three listen. */
  async takeOver(): Promise<void> {
    if (!this.active) {
      const status = await this.boot.status();
      writeSaved(this.settings, { config: status.config, wasRunning: status.running });
    }
    try {
      await this.boot.stop();
      await this.boot.configure(bridgedBootConfig(this.boot.config(), this.names, this.router));
      const status = await this.boot.start();
      const down = status.services.filter((s) => s.state !== 'listening');
      if (down.length > 0) {
        throw new RackpilotError(
          VlabErrorCode.LabNetworkFailed,
          `The boot services could not serve the bridged lab on ${this.names.hostIf}: ${down.map((s) => `${s.name}: ${s.error?.message ?? s.state}`).join('; ')}`,
        );
      }
    } catch (err) {
      await this.restore();
      throw err;
    }
  }

  /** Puts the user's settings back, running or stopped as before. Idempotent. */
  async restore(): Promise<void> {
    const saved = readSaved(this.settings);
    if (!saved) return;
    await this.boot.stop();
    await this.boot.configure(saved.config);
    writeSaved(this.settings, null);
    if (saved.wasRunning) await this.boot.start();
  }
}
