/** Names, MACs and node-to-node addresses for new virtual nodes, unique against what exists. */
import { randomBytes } from 'node:crypto';
import type { VirtualNode } from '../../../shared/domain/vlab';
import type { StaticInterface } from '../boot/profiles/render';

/** QEMU's own prefix (locally administered): never a real vendor's card on the user's LAN. */
const QEMU_OUI = '52:54:00';

export function randomMac(taken: (mac: string) => boolean): string {
  for (let i = 0; i < 1000; i++) {
    const tail = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    const mac = `${QEMU_OUI}:${tail}`;
    if (!taken(mac)) return mac;
  }
  throw new Error('no free MAC address found in 1000 tries');
}

/** <prefix>-01, <prefix>-02, … skipping names already used by a node or a VM. */
export function nextNames(prefix: string, count: number, taken: (name: string) => boolean): string[] {
  const names: string[] = [];
  for (let n = 1; names.length < count; n++) {
    const name = `${prefix}-${String(n).padStart(2, '0')}`;
    if (!taken(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The nodes' shared network (rootless mode) is private to QEMU, so its addresses cannot clash
 * with the user's networks; Rackpilot hands them out and cloud-init's network-config applies them.
 */
export const PEER_NETWORK = { prefix: '10.77.0', mask: 24 } as const;

export function nextPeerAddress(used: ReadonlySet<string>): string {
  for (let host = 11; host < 255; host++) {
    const address = `${PEER_NETWORK.prefix}.${host}`;
    if (!used.has(address)) return address;
  }
  throw new Error(`the nodes' network ${PEER_NETWORK.prefix}.0/${PEER_NETWORK.mask} is full`);
}

/** The peer NIC as the node's network-config sets it (by its MAC; the id names it `peer`). */
export function peerInterface(peer: NonNullable<VirtualNode['peer']>): StaticInterface {
  return { id: 'peer', mac: peer.mac, address: `${peer.address}/${PEER_NETWORK.mask}` };
}
