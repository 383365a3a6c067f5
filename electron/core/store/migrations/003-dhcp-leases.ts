import type { Migration } from './migration';

/** Leases of Rackpilot's optional full DHCP server (boot/dhcp/leases-repo.ts). */
export const dhcpLeases: Migration = {
  version: 3,
  description: 'DHCP leases',
  sql: `
      CREATE TABLE dhcp_leases (
        ip TEXT PRIMARY KEY,
        mac TEXT NOT NULL,
        hostname TEXT,
        -- offered: held for a client between OFFER and REQUEST; bound: ACKed;
        -- declined: a client found the address in use (DECLINE), kept out of the pool for a while.
        state TEXT NOT NULL CHECK (state IN ('offered', 'bound', 'declined')),
        expires_at INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX dhcp_leases_mac ON dhcp_leases(mac);
    `,
};
