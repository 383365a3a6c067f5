import type { Migration } from './migration';

/** Facts gathered from a node over SSH (ssh/facts.ts): one JSON document per node, the latest. */
export const nodeFacts: Migration = {
  version: 4,
  description: 'node facts',
  sql: `
      CREATE TABLE node_facts (
        node_id TEXT PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,
        facts TEXT NOT NULL,
        gathered_at TEXT NOT NULL
      );
    `,
};
