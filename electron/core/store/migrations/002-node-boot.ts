import type { Migration } from './migration';

/**
 * What network boot needs to know per node (DESIGN §4–§5): the netboot flag that makes boot
 * once-only, the profile to install, the secret in its NoCloud URL, the SSH host keys pinned from
 * phone-home, and the firmware seen in its DHCP requests. Plus user-defined boot profiles.
 */
export const nodeBoot: Migration = {
  version: 2,
  description: 'node netboot flag, profile, seed token, pinned host keys, firmware; boot profiles',
  sql: `
    ALTER TABLE nodes ADD COLUMN netboot INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE nodes ADD COLUMN profile_id TEXT;
    ALTER TABLE nodes ADD COLUMN seed_token TEXT;
    ALTER TABLE nodes ADD COLUMN host_keys TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE nodes ADD COLUMN firmware TEXT NOT NULL DEFAULT 'unknown';

    CREATE TABLE profiles (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      spec TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX profiles_name ON profiles(name COLLATE NOCASE);
  `,
};
