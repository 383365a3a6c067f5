/**
 * The boot services as one unit the user starts and stops: HTTP (iPXE scripts, assets, NoCloud
 * seeds, phone-home), TFTP (iPXE binaries) and proxyDHCP or full DHCP. Each listener reports its
 * own status, so one refused port (say 67 without the capability) is shown next to that service
 * with how to fix it, while the others keep serving.
 */
import { networkInterfaces } from 'node:os';
import {
  bootConfigSchema,
  DEFAULT_BOOT_CONFIG,
  type BootConfig,
  type BootServiceName,
  type BootServiceStatus,
  type BootStatus,
  type NetworkInterfaceInfo,
} from '../../../shared/domain/boot';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { EventBus } from '../events/bus';
import type { Logger } from '../log';
import { toWireError } from '../rpc/errors';
import type { SettingsRepo } from '../store/settings-repo';

/** A started listener. */
export interface RunningService {
  address: string;
  port: number;
  close(): Promise<void>;
}

/** Starts one service from the config; throws RackpilotError (E_PORT_PRIVILEGED, …) when it cannot. */
export type ServiceStarter = (config: BootConfig) => Promise<RunningService>;

export interface BootStarters {
  http: ServiceStarter;
  tftp: ServiceStarter;
  proxyDhcp: ServiceStarter;
  dhcp: ServiceStarter;
  /** Which iPXE binaries TFTP can serve with this config. */
  ipxe: (config: BootConfig) => Promise<BootStatus['ipxe']>;
}

const SETTINGS_KEY = 'boot';

export class BootService {
  private readonly running = new Map<BootServiceName, RunningService>();
  private readonly failures = new Map<BootServiceName, BootServiceStatus['error']>();
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: SettingsRepo,
    private readonly starters: BootStarters,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  config(): BootConfig {
    const stored = bootConfigSchema.safeParse({ ...DEFAULT_BOOT_CONFIG, ...(this.settings.getDocument(SETTINGS_KEY) as object | null) });
    return stored.success ? stored.data : DEFAULT_BOOT_CONFIG;
  }

  async status(): Promise<BootStatus> {
    const config = this.config();
    const names: BootServiceName[] = ['http', 'tftp', config.mode === 'dhcp' ? 'dhcp' : 'proxy-dhcp'];
    const services = names.map((name): BootServiceStatus => {
      const live = this.running.get(name);
      const error = this.failures.get(name) ?? null;
      return { name, state: live ? 'listening' : error ? 'failed' : 'stopped', address: live?.address ?? null, port: live?.port ?? null, error };
    });
    return { running: this.running.size > 0, config, services, ipxe: await this.starters.ipxe(config) };
  }

  /** Saves a change; running services restart with it so what runs is what is shown. */
  configure(changes: Partial<BootConfig>): Promise<BootStatus> {
    return this.serialised(async () => {
      const next = bootConfigSchema.parse({ ...this.config(), ...changes });
      this.settings.setDocument(SETTINGS_KEY, next);
      if (this.running.size > 0) {
        await this.stopAll();
        await this.startAll(next);
      }
      return this.publish();
    });
  }

  start(): Promise<BootStatus> {
    return this.serialised(async () => {
      await this.stopAll();
      await this.startAll(this.config());
      return this.publish();
    });
  }

  stop(): Promise<BootStatus> {
    return this.serialised(async () => {
      await this.stopAll();
      this.failures.clear();
      return this.publish();
    });
  }

  interfaces(): NetworkInterfaceInfo[] {
    return Object.entries(networkInterfaces()).flatMap(([name, addrs]) => {
      const v4 = (addrs ?? []).filter((a) => a.family === 'IPv4');
      if (v4.length === 0) return [];
      return [{ name, mac: v4[0]?.mac ?? '', addresses: v4.map((a) => ({ address: a.address, cidr: a.cidr ?? `${a.address}/32` })) }];
    });
  }

  async close(): Promise<void> {
    await this.serialised(() => this.stopAll());
  }

  private async startAll(config: BootConfig): Promise<void> {
    if (config.serverAddress === '') {
      throw new RackpilotError(ErrorCode.Validation, 'Choose the lab network first: the address of this machine that the nodes can reach (Boot page → Network).');
    }
    this.failures.clear();
    const plan: [BootServiceName, ServiceStarter][] = [
      ['http', this.starters.http],
      ['tftp', this.starters.tftp],
      config.mode === 'dhcp' ? ['dhcp', this.starters.dhcp] : ['proxy-dhcp', this.starters.proxyDhcp],
    ];
    for (const [name, start] of plan) {
      try {
        this.running.set(name, await start(config));
        this.log.info(`boot service ${name} listening`, { port: this.running.get(name)?.port });
      } catch (err) {
        const error = toWireError(err, `starting ${name}`, (cause, ref) => this.log.error(`boot service ${name} failed`, { ref, error: String(cause) }));
        this.failures.set(name, error);
        this.log.warn(`boot service ${name} did not start: ${error.message}`);
      }
    }
  }

  private async stopAll(): Promise<void> {
    const all = [...this.running.entries()];
    this.running.clear();
    await Promise.allSettled(all.map(([, s]) => s.close()));
  }

  private async publish(): Promise<BootStatus> {
    const status = await this.status();
    this.bus.publish('boot.status', status);
    return status;
  }

  /** Start/stop/configure one at a time: overlapping restarts would fight over the ports. */
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.busy.then(work, work);
    this.busy = next.catch(() => undefined);
    return next;
  }
}
