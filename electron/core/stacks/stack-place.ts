/**
 * Where a stack runs: this computer's engine (`local`) or a node reached over SSH. Port links
 * point at the node's address (loopback for the local engine), and messages name the node.
 */
import { LOCAL_ENGINE } from '../../../shared/domain/stack';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { NodesService } from '../nodes/nodes-service';
import { targetFromNode, type SshTarget } from '../ssh/target';

export interface StackPlace {
  nodeId: string;
  /** Null for this computer's engine. */
  target: SshTarget | null;
  /** The node's name, for messages ("this computer" for the local engine). */
  label: string;
  /** Host of the port links the UI opens. */
  linkHost: string;
}

export function placeOf(nodes: NodesService, nodeId: string): StackPlace {
  if (nodeId === LOCAL_ENGINE) return { nodeId, target: null, label: 'this computer', linkHost: '127.0.0.1' };
  const node = nodes.get(nodeId);
  if (node.address === '') {
    throw new RackpilotError(ErrorCode.Validation, `Node ${node.name} has no address yet, so Rackpilot cannot reach its Docker Engine. Edit the node and enter its IP address or host name.`);
  }
  return { nodeId, target: targetFromNode(node), label: node.name, linkHost: node.address };
}

/** The SSH target of a node (the engine connector's lookup); refuses `local`, which has none. */
export function targetOf(nodes: NodesService, nodeId: string): SshTarget {
  const { target } = placeOf(nodes, nodeId);
  if (!target) throw new RackpilotError(ErrorCode.Internal, 'The local engine is reached through its socket, not SSH.');
  return target;
}
