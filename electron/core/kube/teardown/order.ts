/** Which node goes when: a cluster is taken apart from the edges in, its first control plane last. */
import { kubernetesNodeName } from '../../../../shared/domain/cluster';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import type { KubeNode } from '../remote';

/** The node kubeadm init ran on: it holds etcd's first member and the admin kubeconfig. */
export function initNodeOf(nodes: readonly KubeNode[]): KubeNode {
  const node = nodes.find((n) => n.init) ?? nodes.find((n) => n.role === 'control-plane');
  if (!node) throw new RackpilotError(ErrorCode.Validation, 'The cluster has no control-plane node to take the backup from: add its first control plane to the node list.');
  return node;
}

/**
 * Workers, then the other control planes, then the init node. Each control plane's reset removes
 * its etcd member through the others, so the init node (the last member) goes last.
 */
export function teardownOrder(nodes: readonly KubeNode[]): KubeNode[] {
  const init = initNodeOf(nodes);
  const workers = nodes.filter((n) => n.role === 'worker' && n !== init);
  const controlPlanes = nodes.filter((n) => n.role === 'control-plane' && n !== init);
  return [...workers, ...controlPlanes, init];
}

/** The name the node registered under (kubeadm's nodeRegistration.name, as rendered). */
export function kubeName(node: KubeNode): string {
  return kubernetesNodeName(node.name);
}
