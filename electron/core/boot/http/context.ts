/** What the boot HTTP routes share: services, options, and the client→node memory. */
import type { Logger } from '../../log';
import type { BootInventory } from '../../nodes/boot-inventory';
import type { AssetResolver } from '../assets/asset-cache';
import type { ProfilesService } from '../profiles/profiles-service';
import type { StaticInterface } from '../profiles/render';
import type { LocalBoot } from './ipxe-script';

export interface BootHttpOptions {
  /** Address to listen on; default all interfaces (the lab network must reach it). */
  host?: string;
  /** Default 8080; tests pass 0 for a free port. */
  port?: number;
  inventory: BootInventory;
  profiles: Pick<ProfilesService, 'render'>;
  assets: AssetResolver;
  /** Rackpilot's SSH public key(s), read per request so a new key applies without a restart. */
  adminPublicKeys: readonly string[] | (() => readonly string[]);
  /** How a node that is not installing boots: iPXE `exit`, `sanboot` of drive 0x80, or an HTTP 404. */
  localBoot?: LocalBoot;
  /**
   * Base URL written into scripts and seeds (http://<lab address>:<port>). Default: the Host
   * header the node used, which is right whichever interface it came in on.
   */
  advertisedUrl?: string;
  /** When set, unknown MACs are enrolled and booted with this profile instead of booting local. */
  autoEnrolProfileId?: string | null;
  /**
   * Path of an iPXE binary by file name (e.g. ipxe.efi), for UEFI HTTP boot clients that DHCP
   * pointed at /ipxe/<file>; null when this machine has none.
   */
  ipxeBinary?: (name: string) => string | null;
  /**
   * NICs of a node, besides the PXE one, whose static addresses its network-config sets (the
   * practice rack's node-to-node link). Asked per request; absent or [] for most nodes.
   */
  extraInterfaces?: (nodeId: string) => readonly StaticInterface[];
  /** Largest phone-home body accepted (bytes). */
  maxPhoneHomeBytes?: number;
  /** Idle time after which an asset fetch counts as finished on the timeline. */
  fetchIdleMs?: number;
  log: Logger;
}

/** Remembers which node an address belongs to, so asset requests land on its timeline. */
export class ClientMap {
  private readonly map = new Map<string, string>();
  constructor(private readonly max = 4096) {}

  remember(client: string, nodeId: string): void {
    this.map.delete(client);
    this.map.set(client, nodeId);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value ?? '');
  }

  nodeOf(client: string): string | null {
    return this.map.get(client) ?? null;
  }
}

export interface BootContext {
  options: BootHttpOptions & { localBoot: LocalBoot };
  inventory: BootInventory;
  profiles: Pick<ProfilesService, 'render'>;
  adminPublicKeys(): readonly string[];
  clients: ClientMap;
  log: Logger;
  timeline(nodeId: string | null, summary: string, data?: unknown, kind?: string): void;
}
