/** Rows of the nodes table <-> Node objects. No rules here: the nodes service owns those. */
import type { Firmware, HostKey, Node, NodeRole, NodeState } from '../../../shared/domain/node';
import type { Db } from './database';

interface NodeRow {
  id: string;
  name: string;
  mac: string;
  address: string;
  ssh_user: string;
  ssh_port: number;
  role: string;
  tags: string;
  notes: string;
  state: string;
  netboot: number;
  profile_id: string | null;
  host_keys: string;
  firmware: string;
  created_at: string;
  updated_at: string;
}

function toNode(r: NodeRow): Node {
  return {
    id: r.id,
    name: r.name,
    mac: r.mac,
    address: r.address,
    sshUser: r.ssh_user,
    sshPort: r.ssh_port,
    role: r.role as NodeRole,
    tags: JSON.parse(r.tags) as string[],
    notes: r.notes,
    state: r.state as NodeState,
    netboot: r.netboot === 1,
    profileId: r.profile_id,
    hostKeys: JSON.parse(r.host_keys) as HostKey[],
    firmware: r.firmware as Firmware,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRow(n: Node): NodeRow {
  return {
    id: n.id,
    name: n.name,
    mac: n.mac,
    address: n.address,
    ssh_user: n.sshUser,
    ssh_port: n.sshPort,
    role: n.role,
    tags: JSON.stringify(n.tags),
    notes: n.notes,
    state: n.state,
    netboot: n.netboot ? 1 : 0,
    profile_id: n.profileId,
    host_keys: JSON.stringify(n.hostKeys),
    firmware: n.firmware,
    created_at: n.createdAt,
    updated_at: n.updatedAt,
  };
}

export class NodesRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      all: db.prepare<[], NodeRow>('SELECT * FROM nodes ORDER BY name COLLATE NOCASE'),
      seedToken: db.prepare<[string], { seed_token: string | null }>('SELECT seed_token FROM nodes WHERE id = ?'),
      setSeedToken: db.prepare<[string | null, string]>('UPDATE nodes SET seed_token = ? WHERE id = ?'),
      setInstallStartedAt: db.prepare<[string | null, string]>('UPDATE nodes SET install_started_at = ? WHERE id = ?'),
      installing: db.prepare<[], NodeRow & { install_started_at: string | null }>("SELECT * FROM nodes WHERE state = 'installing' ORDER BY id"),
      byId: db.prepare<[string], NodeRow>('SELECT * FROM nodes WHERE id = ?'),
      byMac: db.prepare<[string], NodeRow>('SELECT * FROM nodes WHERE mac = ?'),
      byName: db.prepare<[string], NodeRow>('SELECT * FROM nodes WHERE name = ? COLLATE NOCASE'),
      insert: db.prepare<[NodeRow]>(
        `INSERT INTO nodes (id, name, mac, address, ssh_user, ssh_port, role, tags, notes, state, netboot, profile_id, host_keys, firmware, created_at, updated_at)
         VALUES (@id, @name, @mac, @address, @ssh_user, @ssh_port, @role, @tags, @notes, @state, @netboot, @profile_id, @host_keys, @firmware, @created_at, @updated_at)`,
      ),
      update: db.prepare<[NodeRow]>(
        `UPDATE nodes SET name=@name, mac=@mac, address=@address, ssh_user=@ssh_user, ssh_port=@ssh_port,
         role=@role, tags=@tags, notes=@notes, state=@state, netboot=@netboot, profile_id=@profile_id,
         host_keys=@host_keys, firmware=@firmware, updated_at=@updated_at WHERE id=@id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM nodes WHERE id = ?'),
    };
  }

  list(): Node[] {
    return this.stmts.all.all().map(toNode);
  }

  get(id: string): Node | undefined {
    const r = this.stmts.byId.get(id);
    return r ? toNode(r) : undefined;
  }

  findByMac(mac: string): Node | undefined {
    const r = this.stmts.byMac.get(mac);
    return r ? toNode(r) : undefined;
  }

  findByName(name: string): Node | undefined {
    const r = this.stmts.byName.get(name);
    return r ? toNode(r) : undefined;
  }

  insert(node: Node): void {
    this.stmts.insert.run(toRow(node));
  }

  update(node: Node): void {
    this.stmts.update.run(toRow(node));
  }

  /** The secret in the node's NoCloud URL: kept out of Node so it never reaches API output. */
  seedToken(id: string): string | null {
    return this.stmts.seedToken.get(id)?.seed_token ?? null;
  }

  setSeedToken(id: string, token: string | null): void {
    this.stmts.setSeedToken.run(token, id);
  }

  /**
   * When the current install was armed (ISO time), kept out of Node like the seed token: it is
   * the install watchdog's bookkeeping, not something the API needs to show.
   */
  setInstallStartedAt(id: string, at: string | null): void {
    this.stmts.setInstallStartedAt.run(at, id);
  }

  /** Nodes in `installing` with the time their install was armed (null: armed before it was kept). */
  installing(): { node: Node; startedAt: string | null }[] {
    return this.stmts.installing.all().map((r) => ({ node: toNode(r), startedAt: r.install_started_at }));
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }
}
