/**
 * The one way a virtual node's record changes: read fresh, write, tell every client
 * (`vlab.changed`), and put what happened on the node's timeline (the inventory node's, so the
 * Nodes view shows the power-on next to the DHCP offer and the phone-home).
 */
import type { VirtualNode } from '../../../shared/domain/vlab';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { VirtualNodesRepo } from './virtual-nodes-repo';

export type VmChanges = Partial<Omit<VirtualNode, 'id' | 'createdAt' | 'updatedAt'>>;

export class VmRecords {
  constructor(
    private readonly repo: VirtualNodesRepo,
    private readonly bus: EventBus,
    private readonly audit: AuditLog,
  ) {}

  list(): VirtualNode[] {
    return this.repo.list();
  }

  find(id: string): VirtualNode | undefined {
    return this.repo.get(id);
  }

  get(id: string): VirtualNode {
    const vm = this.repo.get(id);
    if (!vm) throw new RackpilotError(ErrorCode.NotFound, `No virtual node with id ${id}; it may have been destroyed. Refresh the Practice rack.`);
    return vm;
  }

  /** The virtual node behind an inventory node: linked by id, or (link cleared) by its MAC. */
  forNode(nodeId: string, mac: string): VirtualNode | undefined {
    return this.repo.findByNode(nodeId) ?? this.repo.findByMac(mac);
  }

  insert(vm: VirtualNode): void {
    this.repo.insert(vm);
    this.bus.publish('vlab.changed', { op: 'upsert', node: vm });
  }

  /**
   * Reads the row again before writing: the inventory link may have been cleared by the database
   * (the user removed the node) since the caller last looked.
   */
  patch(id: string, changes: VmChanges): VirtualNode {
    const current = this.repo.get(id);
    if (!current) throw new RackpilotError(ErrorCode.NotFound, `Virtual node ${id} was destroyed meanwhile.`);
    const next: VirtualNode = { ...current, ...changes, updatedAt: new Date().toISOString() };
    this.repo.update(next);
    this.bus.publish('vlab.changed', { op: 'upsert', node: next });
    return next;
  }

  remove(id: string): void {
    if (this.repo.remove(id)) this.bus.publish('vlab.changed', { op: 'remove', id });
  }

  timeline(vm: VirtualNode, kind: string, summary: string, actor: 'user' | 'system' = 'system', data?: unknown): void {
    this.audit.record({ actor, kind, subjectId: vm.nodeId ?? vm.id, summary, data: data ?? { vmId: vm.id } });
  }
}
