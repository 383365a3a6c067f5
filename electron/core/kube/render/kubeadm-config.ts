/**
 * kubeadm's `init` config for the first control plane: InitConfiguration, ClusterConfiguration
 * and KubeletConfiguration in one file, all from the cluster spec.
 * Format: https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/ and
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
import { API_SERVER_PORT, NODE_POD_CIDR_PREFIX, parseEndpoint, type ClusterSpec, type KubernetesMinor } from '../../../../shared/domain/cluster';
import { isIPv4, isIPv6 } from '../../../../shared/domain/net';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { renderYamlDocuments, type YamlDocument } from './yaml-documents';

export const KUBEADM_API_VERSION = 'kubeadm.k8s.io/v1beta4';
export const KUBELET_CONFIG_API_VERSION = 'kubelet.config.k8s.io/v1beta1';

/** What differs per node; the rest comes from the spec. */
export interface NodeContext {
  /** Kubernetes node name: a lower-case DNS name (see kubernetesNodeName). */
  nodeName: string;
  /** The node's own IP: the API server advertises it and kubelet registers it as the node IP. */
  advertiseAddress: string;
}

export interface InitContext extends NodeContext {
  /** host:port every node and kubeconfig reaches the API server at (resolveControlPlaneEndpoint). */
  endpoint: string;
  /** Patch release of the installed kubeadm (e.g. 4 for v1.31.4); without it kubeadm looks up stable-<minor>. */
  kubernetesPatch?: number;
}

/**
 * kubeadm accepts an exact version (v1.31.4) or a label (stable-1.31) that it resolves over the
 * internet, falling back to its own version when offline. Callers that know the installed
 * kubeadm's patch pass it, so init never depends on that lookup.
 */
export function kubernetesVersionFor(minor: KubernetesMinor, patch?: number): string {
  if (patch === undefined) return `stable-${minor}`;
  if (!Number.isInteger(patch) || patch < 0) throw invalid(`Kubernetes patch release "${patch}" is not a whole number`);
  return `v${minor}.${patch}`;
}

export function invalid(message: string): RackpilotError {
  return new RackpilotError(ErrorCode.Validation, message);
}

/** nodeRegistration is the same block in Init and Join configurations. */
export function nodeRegistration(spec: ClusterSpec, ctx: NodeContext): YamlDocument {
  if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(ctx.nodeName)) {
    throw invalid(`"${ctx.nodeName}" cannot be a Kubernetes node name: use lower-case letters, digits, "-" and "."`);
  }
  if (!isIPv4(ctx.advertiseAddress) && !isIPv6(ctx.advertiseAddress)) {
    throw invalid(
      `Node ${ctx.nodeName} is known by "${ctx.advertiseAddress}", but kubeadm needs the node's IP address to advertise: resolve it first`,
    );
  }
  return {
    name: ctx.nodeName,
    criSocket: spec.runtime.criSocket,
    imagePullPolicy: 'IfNotPresent',
    // On nodes with several NICs kubelet would otherwise pick the default-route one, which is often
    // a NAT or management interface the other nodes cannot reach.
    kubeletExtraArgs: [{ name: 'node-ip', value: ctx.advertiseAddress }],
  };
}

export function localApiEndpoint(ctx: NodeContext): YamlDocument {
  return { advertiseAddress: ctx.advertiseAddress, bindPort: API_SERVER_PORT };
}

export function checkedEndpoint(endpoint: string): string {
  const parsed = parseEndpoint(endpoint);
  if (!parsed.ok) throw invalid(`Control-plane endpoint ${parsed.message}`);
  return parsed.endpoint;
}

/**
 * The config for `kubeadm init --config … --upload-certs`. It carries no bootstrap token and no
 * certificate key: join credentials are issued just in time, when each node joins.
 */
export function renderInitConfig(spec: ClusterSpec, ctx: InitContext): string {
  const init: YamlDocument = {
    apiVersion: KUBEADM_API_VERSION,
    kind: 'InitConfiguration',
    localAPIEndpoint: localApiEndpoint(ctx),
    nodeRegistration: nodeRegistration(spec, ctx),
  };
  const cluster: YamlDocument = {
    apiVersion: KUBEADM_API_VERSION,
    kind: 'ClusterConfiguration',
    clusterName: spec.name,
    kubernetesVersion: kubernetesVersionFor(spec.kubernetesVersion, ctx.kubernetesPatch),
    // Always set, even with one control plane: kubeadm cannot add it after init, and without it
    // the cluster could never grow a second control plane.
    controlPlaneEndpoint: checkedEndpoint(ctx.endpoint),
    networking: { podSubnet: spec.podCidr, serviceSubnet: spec.serviceCidr, dnsDomain: 'cluster.local' },
    // Spelled out because checkClusterSpec's "room for N nodes" rule assumes this size.
    controllerManager: { extraArgs: [{ name: 'node-cidr-mask-size', value: String(NODE_POD_CIDR_PREFIX) }] },
  };
  const kubelet: YamlDocument = {
    apiVersion: KUBELET_CONFIG_API_VERSION,
    kind: 'KubeletConfiguration',
    // Must match containerd's SystemdCgroup (containerd.ts reads the same spec.runtime). kubeadm
    // stores this document in the kubelet-config ConfigMap, so joining nodes get it too.
    cgroupDriver: spec.runtime.cgroupDriver,
  };
  return renderYamlDocuments([init, cluster, kubelet], `kubeadm init config for cluster ${spec.name}, rendered by Rackpilot`);
}
