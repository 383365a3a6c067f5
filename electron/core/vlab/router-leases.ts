/**
 * Where SSH finds a node in the home-LAN shape: the address the lab's home router (dnsmasq) gave
 * it. Rackpilot is only proxyDHCP there and never sees the lease, so it reads the router's lease
 * file — one line per lease, `<expiry epoch> <mac> <ip> <hostname|*> <client-id|*>` — as a
 * Rackpilot beside a real home router would read the router's client list.
 */
import { readFileSync } from 'node:fs';

export interface RouterLease {
  /** Epoch seconds; 0 for an infinite lease. */
  expires: number;
  mac: string;
  ip: string;
}

export function parseDnsmasqLeases(text: string): RouterLease[] {
  const leases: RouterLease[] = [];
  for (const line of text.split('\n')) {
    const [expires, mac, ip] = line.trim().split(/\s+/);
    if (!expires || !mac || !ip || !/^\d+$/.test(expires) || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac) || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) continue;
    leases.push({ expires: Number(expires), mac: mac.toLowerCase(), ip });
  }
  return leases;
}

/** The current address per MAC: the lease that runs longest (a client may hold one per client id). */
export function addressesByMac(leases: readonly RouterLease[]): Map<string, string> {
  const best = new Map<string, RouterLease>();
  for (const lease of leases) {
    const seen = best.get(lease.mac);
    const longer = (a: RouterLease, b: RouterLease) => (a.expires === 0 ? Infinity : a.expires) > (b.expires === 0 ? Infinity : b.expires);
    if (!seen || longer(lease, seen)) best.set(lease.mac, lease);
  }
  return new Map([...best].map(([mac, lease]) => [mac, lease.ip]));
}

/**
 * Polls the lease file (dnsmasq rewrites it in place on every change, which file watchers report
 * unreliably) and calls `onAddress` for each MAC whose address is new or changed. Returns stop.
 */
export function watchRouterLeases(file: string, onAddress: (mac: string, ip: string) => void, intervalMs = 1000): () => void {
  const known = new Map<string, string>();
  const poll = () => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return; // not written yet
    }
    for (const [mac, ip] of addressesByMac(parseDnsmasqLeases(text))) {
      if (known.get(mac) === ip) continue;
      known.set(mac, ip);
      onAddress(mac, ip);
    }
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
