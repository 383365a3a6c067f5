/**
 * Everything a cluster's bootstrap writes to its nodes, rendered at once from one spec, so the
 * kubeadm configs, kubelet, containerd and the CNI manifest cannot disagree. Callers use this,
 * never the piece renderers one by one.
 */
import {
  checkClusterSpec,
  kubernetesNodeName,
  resolveControlPlaneEndpoint,
  type ClusterNodeRef,
  type ClusterSpec,
} from '../../../../shared/domain/cluster';
import { ErrorCode, RackpilotError, type FieldErrorDetails } from '../../../../shared/errors';
import { renderCniManifest, type CniManifest } from './cni';
import { renderContainerdConfig, type ContainerdConfigVersion } from './containerd';
import { renderJoinConfig, type JoinCredentials, type JoinRole } from './join-config';
import { invalid, kubernetesVersionFor, renderInitConfig } from './kubeadm-config';

/** An inventory node as the renderer needs it. */
export interface ClusterNode extends ClusterNodeRef {
  /** The IP kubeadm advertises; defaults to `address`, and is required when that is a host name. */
  advertiseAddress?: string;
  /** 2 for containerd 1.x (the default), 3 for containerd 2.x: facts from the node decide. */
  containerdConfigVersion?: ContainerdConfigVersion;
}

export interface RenderedNode {
  nodeId: string;
  nodeName: string;
  role: JoinRole;
  /** True for the one node `kubeadm init` runs on: the first control plane. */
  init: boolean;
  advertiseAddress: string;
  /** Written to CONTAINERD_CONFIG_PATH before kubeadm runs. */
  containerdConfig: string;
}

export interface RenderedCluster {
  /** host:port of the API server, as in every config and kubeconfig. */
  endpoint: string;
  /** What ClusterConfiguration.kubernetesVersion says (v1.31.4, or stable-1.31 without a patch). */
  kubernetesVersion: string;
  /** Bootstrap order: the init node, then the other control planes (join them one at a time), then workers. */
  nodes: RenderedNode[];
  /** For `kubeadm init --config … --upload-certs` on nodes[0]. */
  initConfig: string;
  cni: CniManifest;
  /** The join config for a node other than the init node, once its credentials have been issued. */
  joinConfig(nodeId: string, creds: Omit<JoinCredentials, 'endpoint'>): string;
}

export interface RenderClusterOptions {
  /** Patch release of the kubeadm installed on the nodes (4 for v1.31.4). */
  kubernetesPatch?: number;
}

/** Refuses a spec that checkClusterSpec finds errors in: those would fail mid-bootstrap. */
export function renderCluster(spec: ClusterSpec, nodes: readonly ClusterNode[], options: RenderClusterOptions = {}): RenderedCluster {
  const errors = checkClusterSpec(spec, nodes).filter((issue) => issue.severity === 'error');
  if (errors.length > 0) {
    const details: FieldErrorDetails = { issues: errors.map(({ path, message }) => ({ path, message })) };
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s))` : '';
    throw new RackpilotError(ErrorCode.Validation, `Cluster ${spec.name} cannot be built yet: ${errors[0]?.message}${more}`, details);
  }
  const resolved = resolveControlPlaneEndpoint(spec, nodes);
  if (!resolved.ok) throw invalid(resolved.message);
  const endpoint = resolved.endpoint;

  const byId = new Map(nodes.map((n) => [n.id, n]));
  const plan = (id: string, role: JoinRole, init: boolean): RenderedNode => {
    const node = byId.get(id);
    if (!node) throw invalid(`Node ${id} is not in the inventory: remove it from cluster ${spec.name}`);
    return {
      nodeId: id,
      nodeName: kubernetesNodeName(node.name),
      role,
      init,
      advertiseAddress: node.advertiseAddress ?? node.address,
      containerdConfig: renderContainerdConfig(spec, node.containerdConfigVersion),
    };
  };
  const planned = [
    ...spec.controlPlane.map((id, index) => plan(id, 'control-plane', index === 0)),
    ...spec.workers.map((id) => plan(id, 'worker', false)),
  ];
  const [first] = planned;
  if (!first) throw invalid(`Cluster ${spec.name} has no control-plane node: choose one`);

  const initConfig = renderInitConfig(spec, {
    nodeName: first.nodeName,
    advertiseAddress: first.advertiseAddress,
    endpoint,
    kubernetesPatch: options.kubernetesPatch,
  });
  // Render every join once with placeholder credentials now, so a bad node context fails here,
  // before anything has been done to the nodes, rather than halfway through the bootstrap.
  const placeholder = { token: 'abcdef.0123456789abcdef', caCertHashes: [`sha256:${'0'.repeat(64)}`], certificateKey: '0'.repeat(64) };
  const joinConfig = (nodeId: string, creds: Omit<JoinCredentials, 'endpoint'>): string => {
    const target = planned.find((n) => n.nodeId === nodeId);
    if (!target) throw invalid(`Node ${nodeId} is not part of cluster ${spec.name}`);
    if (target.init) throw invalid(`Node ${target.nodeName} is where cluster ${spec.name} is initialised: it does not join`);
    return renderJoinConfig(spec, target.role, { ...creds, endpoint }, target);
  };
  for (const node of planned.slice(1)) joinConfig(node.nodeId, placeholder);

  return {
    endpoint,
    kubernetesVersion: kubernetesVersionFor(spec.kubernetesVersion, options.kubernetesPatch),
    nodes: planned,
    initConfig,
    cni: renderCniManifest(spec),
    joinConfig,
  };
}
