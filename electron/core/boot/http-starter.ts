/** The boot HTTP listener, bound to the lab address, with the profiles and assets behind it. */
import type { Logger } from '../log';
import type { BootInventory } from '../nodes/boot-inventory';
import type { AssetCache } from './assets/asset-cache';
import type { ServiceStarter } from './boot-service';
import { startBootHttpServer } from './http/boot-http-server';
import type { ProfilesService } from './profiles/profiles-service';
import type { StaticInterface } from './profiles/render';
import { ipxeBinaryPath } from './tftp-starter';

export interface HttpWiring {
  inventory: BootInventory;
  profiles: ProfilesService;
  assets: AssetCache;
  assetsDir: string | null;
  /** The app's SSH public keys, put into every node's user-data (read per request). */
  adminPublicKeys: () => readonly string[];
  /** A node's static NICs besides the PXE one, for its network-config (the practice rack's peers). */
  extraInterfaces?: (nodeId: string) => readonly StaticInterface[];
  log: Logger;
}

/** The profile unknown machines boot when auto-enrol is on: the live image, which installs nothing. */
export const DISCOVERY_PROFILE_ID = 'live-image';

export function httpStarter(w: HttpWiring): ServiceStarter {
  return async (config) => {
    const server = await startBootHttpServer({
      host: config.serverAddress,
      port: config.ports.http,
      inventory: w.inventory,
      profiles: w.profiles,
      assets: w.assets,
      adminPublicKeys: w.adminPublicKeys,
      localBoot: config.localBoot,
      // On loopback or the wildcard the address means nothing to a node (a rootless virtual node
      // reaches this host as 10.0.2.2): build URLs from the Host header each request arrived with.
      ...(isLocalOnly(config.serverAddress) ? {} : { advertisedUrl: `http://${config.serverAddress}:${config.ports.http}` }),
      autoEnrolProfileId: config.autoEnrol ? DISCOVERY_PROFILE_ID : null,
      ipxeBinary: (name) => ipxeBinaryPath(w.assetsDir, config, name),
      ...(w.extraInterfaces ? { extraInterfaces: w.extraInterfaces } : {}),
      log: w.log,
    });
    return { address: config.serverAddress, port: server.port, close: () => server.close() };
  };
}

function isLocalOnly(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address.startsWith('127.') || address === '::1';
}
