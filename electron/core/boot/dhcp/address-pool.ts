/**
 * Which address a client gets. Order: the node's reservation; the address it already holds;
 * the one it asks for, if free; the first free one in the pool. Declined and other clients'
 * unexpired leases are never handed out, nor addresses reserved for other nodes.
 */
import { intToIp, ipToInt } from './options';
import type { Lease, LeasesRepo } from './leases-repo';

export interface PoolRange {
  start: string;
  end: string;
}

export interface Reservations {
  /** The fixed address of a known node, or null (the lead wires it to node addresses). */
  reservationFor(mac: string): string | null;
  /** Every reserved address, so the pool does not give one to another client. */
  reservedAddresses?(): Iterable<string>;
}

export function inPool(ip: string, pool: PoolRange): boolean {
  const n = ipToInt(ip);
  return n >= ipToInt(pool.start) && n <= ipToInt(pool.end);
}

/** An address is free for `mac` if nobody else holds it now and it is not reserved for someone else. */
export function freeFor(ip: string, mac: string, leases: LeasesRepo, reserved: ReadonlySet<string>, now: number): boolean {
  const l: Lease | null = leases.byIp(ip);
  if (l && l.expiresAt > now && (l.mac !== mac || l.state === 'declined')) return false;
  return !reserved.has(ip);
}

export function pickAddress(
  mac: string,
  requested: string | null,
  o: { pool: PoolRange; leases: LeasesRepo; reservations: Reservations; serverAddress: string; now: number },
): string | null {
  const reservation = o.reservations.reservationFor(mac);
  if (reservation) return reservation;
  const reserved = new Set(o.reservations.reservedAddresses?.() ?? []);
  reserved.add(o.serverAddress);
  const usable = (ip: string) => inPool(ip, o.pool) && freeFor(ip, mac, o.leases, reserved, o.now);

  const held = o.leases.byMac(mac);
  if (held && usable(held.ip)) return held.ip;
  if (requested && usable(requested)) return requested;
  for (let n = ipToInt(o.pool.start); n <= ipToInt(o.pool.end); n++) {
    const ip = intToIp(n);
    if (usable(ip)) return ip;
  }
  return null;
}
