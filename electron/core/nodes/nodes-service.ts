/**
 * The inventory: add, edit and remove nodes by hand. Rules live here (unique MAC and name, with
 * messages that name the clash); the repo only stores. Every change is audited and pushed.
 */
import { randomUUID } from 'node:crypto';
import type { HostKey, Node } from '../../../shared/domain/node';
import { nodeInputSchema, type NodeChanges, type NodeFields } from '../../../shared/domain/node-schema';
import { ErrorCode, fieldError, RackpilotError } from '../../../shared/errors';
import type { ImportProgress, ImportResult } from '../../../shared/contract';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { Db } from '../store/database';
import type { NodesRepo } from '../store/nodes-repo';
import { zodToRackpilot } from '../rpc/errors';

export class NodesService {
  constructor(
    private readonly db: Db,
    private readonly repo: NodesRepo,
    private readonly bus: EventBus,
    private readonly audit: AuditLog,
  ) {}

  list(): Node[] {
    return this.repo.list();
  }

  get(id: string): Node {
    const node = this.repo.get(id);
    if (!node) throw new RackpilotError(ErrorCode.NotFound, `No node with id ${id}; it may have been removed. Refresh the list.`);
    return node;
  }

  create(fields: NodeFields): Node {
    const node = this.db.transaction(() => this.insert(fields))();
    this.announce(node, 'node.created', `Added node ${node.name} (${node.mac})`);
    return node;
  }

  update(id: string, changes: NodeChanges): Node {
    const updated = this.db.transaction(() => {
      const current = this.get(id);
      const next: Node = { ...current };
      for (const [key, value] of Object.entries(changes) as [keyof NodeChanges, unknown][]) {
        if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
      }
      this.refuseClashes(next, id);
      next.updatedAt = new Date().toISOString();
      this.repo.update(next);
      return { before: current, after: next };
    })();
    const changed = (Object.keys(changes) as (keyof NodeChanges)[]).filter(
      (k) => JSON.stringify(updated.before[k]) !== JSON.stringify(updated.after[k]),
    );
    this.announce(updated.after, 'node.updated', `Edited node ${updated.after.name}${changed.length ? ` (${changed.join(', ')})` : ' (no changes)'}`, { changed });
    return updated.after;
  }

  /**
   * Pins a host key the user accepted (nodes added by hand). It replaces earlier pins: a key the
   * user accepts after a mismatch belongs to the machine now at that address.
   */
  pinHostKey(id: string, key: HostKey): Node {
    const current = this.get(id);
    if (current.hostKeys.length === 1 && current.hostKeys[0]?.fingerprint === key.fingerprint) return current;
    const replaced = current.hostKeys.filter((k) => k.fingerprint !== key.fingerprint);
    const next: Node = { ...current, hostKeys: [key], updatedAt: new Date().toISOString() };
    this.repo.update(next);
    this.announce(
      next,
      'node.hostkey-pinned',
      `Pinned host key ${key.type} ${key.fingerprint} for ${next.name}${replaced.length ? ` (replacing ${replaced.map((k) => `${k.type} ${k.fingerprint}`).join(', ')})` : ''}`,
      { pinned: { type: key.type, fingerprint: key.fingerprint }, replaced: replaced.map(({ type, fingerprint }) => ({ type, fingerprint })) },
    );
    return next;
  }

  remove(id: string): { id: string } {
    const node = this.get(id);
    this.repo.remove(id);
    this.bus.publish('nodes.changed', { op: 'remove', id });
    this.audit.record({ actor: 'user', kind: 'node.removed', subjectId: id, summary: `Removed node ${node.name} (${node.mac})` });
    return { id };
  }

  /**
   * Adds many nodes; each row is validated on its own so one bad row does not sink the rest.
   * Runs in chunks, yielding between them, so progress reaches the client and cancel works.
   */
  async import(rows: unknown[], progress: (p: ImportProgress) => void, signal: AbortSignal): Promise<ImportResult> {
    const created: Node[] = [];
    const rejected: ImportResult['rejected'] = [];
    const CHUNK = 250;
    for (let start = 0; start < rows.length; start += CHUNK) {
      signal.throwIfAborted();
      const chunk = rows.slice(start, start + CHUNK);
      this.db.transaction(() => {
        chunk.forEach((row, offset) => {
          const index = start + offset;
          try {
            const parsed = nodeInputSchema.strict().safeParse(row);
            if (!parsed.success) throw zodToRackpilot(parsed.error, `row ${index + 1}`);
            created.push(this.insert(parsed.data));
          } catch (err) {
            if (!(err instanceof RackpilotError)) throw err;
            rejected.push({ index, message: err.message });
          }
        });
      })();
      progress({ done: Math.min(rows.length, start + CHUNK), total: rows.length });
      await new Promise((r) => setImmediate(r));
    }
    for (const node of created) this.bus.publish('nodes.changed', { op: 'upsert', node });
    this.audit.record({
      actor: 'user',
      kind: 'node.imported',
      summary: `Imported ${created.length} node(s)${rejected.length ? `, refused ${rejected.length}` : ''}`,
      data: { created: created.length, rejected: rejected.length },
    });
    return { created, rejected };
  }

  private insert(fields: NodeFields): Node {
    const now = new Date().toISOString();
    const node: Node = { id: randomUUID(), ...fields, state: 'ready', netboot: false, profileId: null, hostKeys: [], firmware: 'unknown', createdAt: now, updatedAt: now };
    this.refuseClashes(node, null);
    this.repo.insert(node);
    return node;
  }

  /** Unique MAC and name, checked here so the message can name the node that already has it. */
  private refuseClashes(node: Node, selfId: string | null): void {
    const byMac = this.repo.findByMac(node.mac);
    if (byMac && byMac.id !== selfId) {
      throw fieldError(ErrorCode.Conflict, ['mac'], `MAC ${node.mac} already belongs to node "${byMac.name}". Each network card can be in the inventory once.`);
    }
    const byName = this.repo.findByName(node.name);
    if (byName && byName.id !== selfId) {
      throw fieldError(ErrorCode.Conflict, ['name'], `The name "${node.name}" is already used by another node (MAC ${byName.mac}). Pick another name.`);
    }
  }

  private announce(node: Node, kind: string, summary: string, data?: unknown): void {
    this.bus.publish('nodes.changed', { op: 'upsert', node });
    this.audit.record({ actor: 'user', kind, subjectId: node.id, summary, data });
  }
}
