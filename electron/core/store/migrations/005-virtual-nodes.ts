import type { Migration } from './migration';

/**
 * The practice rack (vlab/): virtual node definitions. Each VM is created with an inventory node
 * (same MAC); the link is cleared, not cascaded, when the user removes that node, because the VM
 * and its disk are the user's to destroy on their own.
 */
export const virtualNodes: Migration = {
  version: 5,
  description: 'virtual nodes (QEMU)',
  sql: `
      CREATE TABLE virtual_nodes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        mac TEXT NOT NULL,
        node_id TEXT REFERENCES nodes(id) ON DELETE SET NULL,
        firmware TEXT NOT NULL CHECK (firmware IN ('bios', 'uefi')),
        memory_mb INTEGER NOT NULL,
        cpus INTEGER NOT NULL,
        disk_gb INTEGER NOT NULL,
        network TEXT NOT NULL CHECK (network IN ('rootless', 'bridged')),
        -- host port forwarded to the guest's 22 (rootless)
        ssh_port INTEGER,
        -- second NIC on the nodes' shared network (rootless): MAC and assigned address
        peer_mac TEXT,
        peer_address TEXT,
        state TEXT NOT NULL CHECK (state IN ('stopped', 'starting', 'running', 'stopping', 'failed')),
        last_error TEXT,
        -- the QEMU process of the current run, so a restart can find one a crash left behind
        pid INTEGER,
        accelerator TEXT,
        started_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX virtual_nodes_mac ON virtual_nodes(mac);
      CREATE UNIQUE INDEX virtual_nodes_name ON virtual_nodes(name COLLATE NOCASE);
      CREATE INDEX virtual_nodes_node ON virtual_nodes(node_id);
    `,
};
