/** What the SSH layer needs to know about a node to reach it. */
import type { HostKey, Node } from '../../../shared/domain/node';

export interface SshTarget {
  nodeId: string;
  /** For messages: the node's name. */
  name: string;
  address: string;
  port: number;
  user: string;
  hostKeys: readonly HostKey[];
}

export function targetFromNode(node: Pick<Node, 'id' | 'name' | 'address' | 'sshPort' | 'sshUser' | 'hostKeys'>): SshTarget {
  return { nodeId: node.id, name: node.name, address: node.address, port: node.sshPort, user: node.sshUser, hostKeys: node.hostKeys };
}

/**
 * A connection serves one exact target: if the address, port, user or pins change (an edit, a
 * rebuild), the pool opens a new connection instead of reusing one verified against old facts.
 */
export function targetKey(t: SshTarget): string {
  const pins = t.hostKeys.map((k) => k.fingerprint).sort().join(',');
  return `${t.nodeId}|${t.user}@${t.address}:${t.port}|${pins}`;
}

export function describeTarget(t: SshTarget): string {
  const where = `${t.user}@${t.address}:${t.port}`;
  return t.name && t.name !== t.address ? `${t.name} (${where})` : where;
}
