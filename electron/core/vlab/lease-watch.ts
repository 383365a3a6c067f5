/**
 * Where SSH finds a bridged node: the address it got on the lab subnet. In the isolated lab that
 * is Rackpilot's own lease: when the boot timeline records a DHCP event for a bridged node, the
 * bound lease (dhcp_leases, the DHCP server's own record) is copied onto the inventory node —
 * which also makes it the node's reservation, so it keeps that address across restarts. In the
 * home-LAN shape the lab's router leased it (router-leases.ts reads its lease file) and the same
 * copy is made from there.
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
    if (!vm) return;
    const lease = leases.byMac(vm.mac);
    if (!lease || lease.state !== 'bound') return;
    recordLabAddress(d, vm.mac, lease.ip, 'leased');
  });
}

/** The lab's home router leased `ip` to `mac`: the handler BridgedNetwork calls (home-LAN shape). */
export function routerLeaseRecorder(d: LeaseWatchDeps): (mac: string, ip: string) => void {
  return (mac, ip) => recordLabAddress(d, mac, ip, 'got from the lab’s home router');
}

/** Puts a bridged node's lab address on its inventory node (SSH goes there), once per change. */
function recordLabAddress(d: LeaseWatchDeps, mac: string, ip: string, how: string): void {
  const vm = d.records.list().find((v) => v.network === 'bridged' && v.mac.toLowerCase() === mac.toLowerCase());
  const node = vm?.nodeId ? d.nodesRepo.get(vm.nodeId) : undefined;
  if (!vm || !node || !ip.startsWith(LAB_PREFIX) || node.address === ip) return;
  d.nodes.update(node.id, { address: ip, sshPort: 22 });
  d.records.timeline(vm, 'vlab.address', `${vm.name} ${how} ${ip} on the bridged lab network: SSH goes to ${ip}:22`);
}
