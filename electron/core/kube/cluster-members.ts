/**
 * From a cluster spec and the inventory to the nodes the orchestration works on: who is the init
 * node, who joins as a control plane, who as a worker, and how each is reached over SSH.
 */
import type { ClusterSpec } from '../../../shared/domain/cluster';
import type { Node } from '../../../shared/domain/node';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { targetFromNode } from '../ssh/target';
import type { KubeNode } from './remote';

/** Looks a node up by id; null when it is gone from the inventory. */
export type NodeLookup = (id: string) => Node | null;

/** Bootstrap order: the first control plane (init), the other control planes, then workers. */
export function clusterMembers(spec: ClusterSpec, lookup: NodeLookup): { members: KubeNode[]; missing: string[] } {
  const members: KubeNode[] = [];
  const missing: string[] = [];
  const add = (id: string, role: KubeNode['role'], init: boolean) => {
    const node = lookup(id);
    if (!node) return missing.push(id);
    members.push({ id: node.id, name: node.name, address: node.address, role, init, target: targetFromNode(node) });
  };
  spec.controlPlane.forEach((id, i) => add(id, 'control-plane', i === 0));
  spec.workers.forEach((id) => add(id, 'worker', false));
  return { members, missing };
}

/** Every member, or a clear error naming the nodes that were deleted from the inventory. */
export function requireMembers(clusterName: string, spec: ClusterSpec, lookup: NodeLookup): KubeNode[] {
  const { members, missing } = clusterMembers(spec, lookup);
  if (missing.length > 0) {
    throw new RackpilotError(
      ErrorCode.Validation,
      `Cluster ${clusterName} names ${missing.length} node(s) that are no longer in the inventory (${missing.join(', ')}): edit the cluster and remove them, or add the nodes again`,
    );
  }
  const unaddressed = members.filter((m) => !m.address);
  if (unaddressed.length > 0) {
    throw new RackpilotError(
      ErrorCode.Validation,
      `${unaddressed.map((m) => m.name).join(', ')} ${unaddressed.length === 1 ? 'has' : 'have'} no address yet: wait for the phone-home or enter the address on the Nodes page`,
    );
  }
  return members;
}

/** Workers first, then control planes, the init node last: the order nodes are taken apart in. */
export function teardownOrder(members: readonly KubeNode[]): KubeNode[] {
  return [...members.filter((m) => m.role === 'worker'), ...members.filter((m) => m.role === 'control-plane' && !m.init), ...members.filter((m) => m.init)];
}
