/** Persisted DHCP leases, so a restart of Rackpilot does not hand a bound address out twice. */
import type { Db } from '../../store/database';

export type LeaseState = 'offered' | 'bound' | 'declined';

export interface Lease {
  ip: string;
  mac: string;
  hostname: string | null;
  state: LeaseState;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

interface LeaseRow {
  ip: string;
  mac: string;
  hostname: string | null;
  state: LeaseState;
  expires_at: number;
}

const toLease = (r: LeaseRow): Lease => ({ ip: r.ip, mac: r.mac, hostname: r.hostname, state: r.state, expiresAt: r.expires_at });

export class LeasesRepo {
  private readonly byIpStmt;
  private readonly byMacStmt;
  private readonly allStmt;
  private readonly upsertStmt;
  private readonly removeStmt;
  private readonly purgeStmt;

  constructor(db: Db) {
    this.byIpStmt = db.prepare<[string], LeaseRow>('SELECT * FROM dhcp_leases WHERE ip = ?');
    this.byMacStmt = db.prepare<[string], LeaseRow>(
      "SELECT * FROM dhcp_leases WHERE mac = ? AND state != 'declined' ORDER BY expires_at DESC LIMIT 1",
    );
    this.allStmt = db.prepare<[], LeaseRow>('SELECT * FROM dhcp_leases ORDER BY ip');
    this.upsertStmt = db.prepare<[string, string, string | null, LeaseState, number, string]>(
      `INSERT INTO dhcp_leases (ip, mac, hostname, state, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(ip) DO UPDATE SET mac = excluded.mac, hostname = excluded.hostname, state = excluded.state,
         expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
    );
    this.removeStmt = db.prepare<[string]>('DELETE FROM dhcp_leases WHERE ip = ?');
    this.purgeStmt = db.prepare<[number]>('DELETE FROM dhcp_leases WHERE expires_at <= ?');
  }

  byIp(ip: string): Lease | null {
    const r = this.byIpStmt.get(ip);
    return r ? toLease(r) : null;
  }

  byMac(mac: string): Lease | null {
    const r = this.byMacStmt.get(mac);
    return r ? toLease(r) : null;
  }

  all(): Lease[] {
    return this.allStmt.all().map(toLease);
  }

  save(l: Lease): void {
    this.upsertStmt.run(l.ip, l.mac, l.hostname, l.state, l.expiresAt, new Date().toISOString());
  }

  remove(ip: string): void {
    this.removeStmt.run(ip);
  }

  /** Drops leases whose time is up; returns how many. */
  purgeExpired(now: number): number {
    return this.purgeStmt.run(now).changes;
  }
}
