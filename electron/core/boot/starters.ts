/**
 * Builds each boot listener from the config. Services still being built report that plainly
 * in the status instead of pretending to listen.
 */
import { RackpilotError } from '../../../shared/errors';
import type { BootStarters, ServiceStarter } from './boot-service';

const notBuilt = (what: string): ServiceStarter => async () => {
  throw new RackpilotError('E_NOT_BUILT', `${what} is not part of this build yet.`);
};

export function createBootStarters(): BootStarters {
  return {
    http: notBuilt('The HTTP boot server'),
    tftp: notBuilt('The TFTP server'),
    proxyDhcp: notBuilt('proxyDHCP'),
    dhcp: notBuilt('Full DHCP'),
    ipxe: () => ({ found: [], missing: ['undionly.kpxe', 'ipxe.efi', 'snp.efi'], message: 'TFTP is not part of this build yet.' }),
  };
}
