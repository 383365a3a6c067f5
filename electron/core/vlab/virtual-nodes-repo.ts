/** Rows of the virtual_nodes table <-> VirtualNode objects. No rules here: the vlab service owns those. */
import type { VirtualNode, VlabNetworkMode, VmAccelerator, VmFirmware, VmState } from '../../../shared/domain/vlab';
import type { WireError } from '../../../shared/protocol';
import type { Db } from '../store/database';

interface VirtualNodeRow {
  id: string;
  name: string;
  mac: string;
  node_id: string | null;
  firmware: string;
  memory_mb: number;
  cpus: number;
  disk_gb: number;
  network: string;
  ssh_port: number | null;
  peer_mac: string | null;
  peer_address: string | null;
  state: string;
  last_error: string | null;
  pid: number | null;
  accelerator: string | null;
  started_at: string | null;
  created_at: string;
  updated_at: string;
}

function toVirtualNode(r: VirtualNodeRow): VirtualNode {
  return {
    id: r.id,
    name: r.name,
    mac: r.mac,
    nodeId: r.node_id,
    firmware: r.firmware as VmFirmware,
    memoryMb: r.memory_mb,
    cpus: r.cpus,
    diskGb: r.disk_gb,
    network: r.network as VlabNetworkMode,
    sshPort: r.ssh_port,
    peer: r.peer_mac && r.peer_address ? { mac: r.peer_mac, address: r.peer_address } : null,
    state: r.state as VmState,
    lastError: r.last_error ? (JSON.parse(r.last_error) as WireError) : null,
    pid: r.pid,
    accelerator: r.accelerator as VmAccelerator | null,
    startedAt: r.started_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRow(v: VirtualNode): VirtualNodeRow {
  return {
    id: v.id,
    name: v.name,
    mac: v.mac,
    node_id: v.nodeId,
    firmware: v.firmware,
    memory_mb: v.memoryMb,
    cpus: v.cpus,
    disk_gb: v.diskGb,
    network: v.network,
    ssh_port: v.sshPort,
    peer_mac: v.peer?.mac ?? null,
    peer_address: v.peer?.address ?? null,
    state: v.state,
    last_error: v.lastError ? JSON.stringify(v.lastError) : null,
    pid: v.pid,
    accelerator: v.accelerator,
    started_at: v.startedAt,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}

export class VirtualNodesRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      all: db.prepare<[], VirtualNodeRow>('SELECT * FROM virtual_nodes ORDER BY name COLLATE NOCASE'),
      byId: db.prepare<[string], VirtualNodeRow>('SELECT * FROM virtual_nodes WHERE id = ?'),
      byMac: db.prepare<[string], VirtualNodeRow>('SELECT * FROM virtual_nodes WHERE mac = ?'),
      byNode: db.prepare<[string], VirtualNodeRow>('SELECT * FROM virtual_nodes WHERE node_id = ?'),
      insert: db.prepare<[VirtualNodeRow]>(
        `INSERT INTO virtual_nodes (id, name, mac, node_id, firmware, memory_mb, cpus, disk_gb, network, ssh_port, peer_mac, peer_address,
           state, last_error, pid, accelerator, started_at, created_at, updated_at)
         VALUES (@id, @name, @mac, @node_id, @firmware, @memory_mb, @cpus, @disk_gb, @network, @ssh_port, @peer_mac, @peer_address,
           @state, @last_error, @pid, @accelerator, @started_at, @created_at, @updated_at)`,
      ),
      update: db.prepare<[VirtualNodeRow]>(
        `UPDATE virtual_nodes SET name=@name, mac=@mac, node_id=@node_id, firmware=@firmware, memory_mb=@memory_mb, cpus=@cpus,
           disk_gb=@disk_gb, network=@network, ssh_port=@ssh_port, peer_mac=@peer_mac, peer_address=@peer_address, state=@state,
           last_error=@last_error, pid=@pid, accelerator=@accelerator, started_at=@started_at, updated_at=@updated_at
         WHERE id=@id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM virtual_nodes WHERE id = ?'),
    };
  }

  list(): VirtualNode[] {
    return this.stmts.all.all().map(toVirtualNode);
  }

  get(id: string): VirtualNode | undefined {
    const r = this.stmts.byId.get(id);
    return r ? toVirtualNode(r) : undefined;
  }

  findByMac(mac: string): VirtualNode | undefined {
    const r = this.stmts.byMac.get(mac);
    return r ? toVirtualNode(r) : undefined;
  }

  findByNode(nodeId: string): VirtualNode | undefined {
    const r = this.stmts.byNode.get(nodeId);
    return r ? toVirtualNode(r) : undefined;
  }

  insert(vm: VirtualNode): void {
    this.stmts.insert.run(toRow(vm));
  }

  update(vm: VirtualNode): void {
    this.stmts.update.run(toRow(vm));
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }
}
