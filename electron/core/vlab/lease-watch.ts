/**
 * Where SSH finds a bridged node: the address Rackpilot's DHCP leased it on the lab subnet. When
 * the boot timeline records a DHCP event for a bridged node, the bound lease (dhcp_leases, the
 * DHCP server's own record) is copied onto the inventory node — which also makes it the node's
 * reservation, so it keeps that address across restarts.
 */
import type { AuditEvent } from '../../../shared/domain/event';
import type { EventBus } from '../events/bus';
import { LeasesRepo } from '../boot/dhcp/leases-repo';
import type { NodesService } from '../nodes/nodes-service';
import type { Db } from '../store/database';
import type { NodesRepo } from '../store/nodes-repo';
import { LAB_SUBNET } from './lab-namespace';
import type { VmRecords } from './vm-records';

export interface LeaseWatchDeps {
  db: Db;
  bus: EventBus;
  nodes: NodesService;
  nodesRepo: NodesRepo;
  records: VmRecords;
}

const LAB_PREFIX = LAB_SUBNET.hostAddress.replace(/\.\d+$/, '.');

/** Returns the unsubscribe function. */
export function watchBridgedLeases(d: LeaseWatchDeps): () => void {
  const leases = new LeasesRepo(d.db);
  return d.bus.subscribe((channel, data) => {
    if (channel !== 'events.appended') return;
    const event = data as AuditEvent;
    if (event.kind !== 'boot.dhcp' || event.subjectId === null) return;
    const vm = d.records.list().find((v) => v.network === 'bridged' && v.nodeId === event.subjectId);
    const node = vm?.nodeId ? d.nodesRepo.get(vm.nodeId) : undefined;
    if (!vm || !node) return;
    const lease = leases.byMac(vm.mac);
    if (!lease || lease.state !== 'bound' || !lease.ip.startsWith(LAB_PREFIX) || node.address === lease.ip) return;
    d.nodes.update(node.id, { address: lease.ip, sshPort: 22 });
    d.records.timeline(vm, 'vlab.address', `${vm.name} leased ${lease.ip} on the bridged lab network: SSH goes to ${lease.ip}:22`);
  });
}
