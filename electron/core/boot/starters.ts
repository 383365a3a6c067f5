/**
 * Builds each boot listener from the config, wired to the inventory and the node timelines.
 * A service still being built reports that plainly in the status instead of pretending to listen.
 */
import { RackpilotError } from '../../../shared/errors';
import type { Logger } from '../log';
import type { BootInventory } from '../nodes/boot-inventory';
import type { Db } from '../store/database';
import type { BootStarters, ServiceStarter } from './boot-service';
import { BootTimeline } from './boot-timeline';
import { dhcpStarter, proxyDhcpStarter } from './dhcp-starters';
import { ipxeStatus, tftpStarter } from './tftp-starter';

export interface BootWiring {
  inventory: BootInventory;
  db: Db;
  log: Logger;
  /** The app's bundled assets folder (iPXE binaries, profiles' files), if it has one. */
  assetsDir: string | null;
}

const notBuilt = (what: string): ServiceStarter => async () => {
  throw new RackpilotError('E_NOT_BUILT', `${what} is not part of this build yet.`);
};

export function createBootStarters(w: BootWiring): BootStarters {
  const timeline = new BootTimeline(w.inventory);
  const dhcp = { inventory: w.inventory, db: w.db, log: w.log, onEvent: timeline.dhcp };
  return {
    http: notBuilt('The HTTP boot server'),
    tftp: tftpStarter(w.assetsDir, w.log, timeline.tftp),
    proxyDhcp: proxyDhcpStarter(dhcp),
    dhcp: dhcpStarter(dhcp),
    ipxe: (config) => ipxeStatus(w.assetsDir, config),
  };
}
