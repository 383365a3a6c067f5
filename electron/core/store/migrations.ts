/**
 * Versioned schema. Each step lives in its own file under migrations/ (one per capability, so
 * work on separate areas does not collide) and is never edited once shipped: add a new one.
 * PRAGMA user_version holds the current version.
 */
import { coreTables } from './migrations/001-core';
import { nodeBoot } from './migrations/002-node-boot';
import { dhcpLeases } from './migrations/003-dhcp-leases';
import { nodeFacts } from './migrations/004-node-facts';
import { virtualNodes } from './migrations/005-virtual-nodes';
import { installClock } from './migrations/006-install-clock';
import type { Migration } from './migrations/migration';

export type { Migration };

export const MIGRATIONS: readonly Migration[] = [coreTables, nodeBoot, dhcpLeases, nodeFacts, virtualNodes, installClock];

// Versions must run 1, 2, 3… with no gap or repeat, or an upgrade would skip a step.
MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`migration ${i} has version ${m.version}; expected ${i + 1}`);
});

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
