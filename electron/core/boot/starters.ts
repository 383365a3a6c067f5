/**
 * Builds each boot listener from the config, wired to the inventory, the profiles and assets,
 * and the node timelines.
 */
import type { Logger } from '../log';
import type { BootInventory } from '../nodes/boot-inventory';
import type { Db } from '../store/database';
import type { AssetCache } from './assets/asset-cache';
import type { BootStarters } from './boot-service';
import { BootTimeline } from './boot-timeline';
import { dhcpStarter, proxyDhcpStarter } from './dhcp-starters';
import { httpStarter } from './http-starter';
import type { ProfilesService } from './profiles/profiles-service';
import type { StaticInterface } from './profiles/render';
import { ipxeStatus, tftpStarter } from './tftp-starter';

export interface BootWiring {
  inventory: BootInventory;
  db: Db;
  log: Logger;
  /** The app's bundled assets folder (iPXE binaries, profiles' files), if it has one. */
  assetsDir: string | null;
  profiles: ProfilesService;
  assets: AssetCache;
  adminPublicKeys: () => readonly string[];
  /** A node's static NICs besides the PXE one (HttpWiring.extraInterfaces). */
  extraInterfaces?: (nodeId: string) => readonly StaticInterface[];
}

export function createBootStarters(w: BootWiring): BootStarters {
  const timeline = new BootTimeline(w.inventory);
  const dhcp = { inventory: w.inventory, db: w.db, log: w.log, onEvent: timeline.dhcp };
  return {
    http: httpStarter({
      inventory: w.inventory,
      profiles: w.profiles,
      assets: w.assets,
      assetsDir: w.assetsDir,
      adminPublicKeys: w.adminPublicKeys,
      ...(w.extraInterfaces ? { extraInterfaces: w.extraInterfaces } : {}),
      log: w.log,
    }),
    tftp: tftpStarter(w.assetsDir, w.log, timeline.tftp),
    proxyDhcp: proxyDhcpStarter(dhcp),
    dhcp: dhcpStarter(dhcp),
    ipxe: (config) => ipxeStatus(w.assetsDir, config),
  };
}
