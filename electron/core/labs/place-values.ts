/**
 * What the placeholders in a lab's text stand for during a run: each role's node (name, address,
 * SSH user), where the nodes reach this computer, and the lab registry. The host address depends
 * on how the nodes are wired: a bridged practice node reaches Rackpilot on the lab bridge, a
 * rootless one through QEMU's user network (10.0.2.2 = this machine's loopback), a real node at
 * the boot services' address — or, when that is not set, this machine's first LAN address.
 */
import { networkInterfaces } from 'node:os';
import type { Node } from '../../../shared/domain/node';
import type { VirtualNode } from '../../../shared/domain/vlab';
import { LAB_SUBNET } from '../vlab/lab-namespace';
import { ROOTLESS_HOST } from '../vlab/lab-network';
import type { PlaceholderValues } from './format/placeholders';

export interface HostAddressSources {
  /** The boot settings' server address ('' when not set). */
  serverAddress: string;
  /** The practice-rack VM behind an inventory node, if it is one. */
  vmOf(nodeId: string): Pick<VirtualNode, 'network'> | undefined;
  /** This machine's IPv4 addresses outside loopback (default: from os.networkInterfaces()). */
  lanAddresses?: () => string[];
}

export function hostAddressFor(nodes: readonly Node[], sources: HostAddressSources): string {
  for (const node of nodes) {
    const vm = sources.vmOf(node.id);
    if (vm) return vm.network === 'bridged' ? LAB_SUBNET.hostAddress : ROOTLESS_HOST;
  }
  if (sources.serverAddress !== '') return sources.serverAddress;
  // Nodes on this machine's loopback (an sshd in a test, a container with a forwarded port).
  if (nodes.length > 0 && nodes.every((n) => isLoopback(n.address))) return '127.0.0.1';
  return (sources.lanAddresses ?? lanAddresses)()[0] ?? '127.0.0.1';
}

export function placeholderValues(nodesByRole: Record<string, Node>, hostAddress: string, registry: string): PlaceholderValues {
  const nodes: PlaceholderValues['nodes'] = {};
  for (const [role, node] of Object.entries(nodesByRole)) nodes[role] = { name: node.name, address: node.address, user: node.sshUser };
  return { nodes, hostAddress, registry };
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}
