/**
 * The interface the lab is on, chosen by the user by name or by one of its addresses. DHCP binds
 * to it (SO_BINDTODEVICE) so it neither hears nor answers any other network of the host.
 */
import { networkInterfaces } from 'node:os';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';

export interface LabInterface {
  name: string;
  address: string;
  netmask: string;
  mac: string;
}

export function resolveLabInterface(choice: { interface?: string; address?: string }): LabInterface {
  const all = networkInterfaces();
  const candidates = Object.entries(all).flatMap(([name, addrs]) =>
    (addrs ?? []).filter((a) => a.family === 'IPv4').map((a) => ({ name, address: a.address, netmask: a.netmask, mac: a.mac })),
  );
  const found = candidates.find(
    (c) => (choice.interface === undefined || c.name === choice.interface) && (choice.address === undefined || c.address === choice.address),
  );
  if (!found) {
    const known = candidates.map((c) => `${c.name} ${c.address}`).join(', ') || 'none';
    const wanted = [choice.interface && `interface ${choice.interface}`, choice.address && `address ${choice.address}`].filter(Boolean).join(' with ');
    throw new RackpilotError(
      ErrorCode.InterfaceUnavailable,
      `No IPv4 ${wanted || 'interface'} on this host (have: ${known}). Pick the interface the lab network is on, and check it is up and has an address.`,
    );
  }
  return found;
}
