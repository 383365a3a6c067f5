/**
 * kubeadm's `join` config for one node, rendered when its credentials have just been issued.
 * Format: https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/#kubeadm-k8s-io-v1beta4-JoinConfiguration
 */
import type { ClusterSpec } from '../../../../shared/domain/cluster';
import {
  KUBEADM_API_VERSION,
  checkedEndpoint,
  invalid,
  localApiEndpoint,
  nodeRegistration,
  type NodeContext,
} from './kubeadm-config';
import { renderYamlDocuments, type YamlDocument } from './yaml-documents';

export type JoinRole = 'worker' | 'control-plane';

/** What `kubeadm token create` and `kubeadm init phase upload-certs --upload-certs` hand out. */
export interface JoinCredentials {
  endpoint: string;
  /** Bootstrap token, [a-z0-9]{6}.[a-z0-9]{16} */
  token: string;
  /** sha256:<hex> pins of the cluster CA's public key. */
  caCertHashes: string[];
  /** Decrypts the uploaded control-plane certificates; only control-plane joins use it. */
  certificateKey?: string;
}

// Shapes kubeadm itself enforces (cmd/kubeadm/app/apis/bootstraptoken, pubkeypin). Messages never
// echo the secret itself: they end up in job logs.
const TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
const CA_HASH = /^sha256:[0-9a-f]{64}$/;
const CERTIFICATE_KEY = /^[0-9a-f]{64}$/;

export function renderJoinConfig(spec: ClusterSpec, role: JoinRole, creds: JoinCredentials, ctx: NodeContext): string {
  const retry = 'issue new join credentials and try again';
  if (!TOKEN.test(creds.token)) throw invalid(`The bootstrap token is not in kubeadm's format (abcdef.0123456789abcdef): ${retry}`);
  if (creds.caCertHashes.length === 0 || !creds.caCertHashes.every((h) => CA_HASH.test(h))) {
    throw invalid(`The CA certificate hash must be given as sha256:<64 hex digits>: ${retry}`);
  }
  const join: YamlDocument = {
    apiVersion: KUBEADM_API_VERSION,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: checkedEndpoint(creds.endpoint),
        token: creds.token,
        caCertHashes: [...creds.caCertHashes],
      },
    },
    nodeRegistration: nodeRegistration(spec, ctx),
  };
  if (role === 'control-plane') {
    if (!creds.certificateKey || !CERTIFICATE_KEY.test(creds.certificateKey)) {
      throw invalid(`A control-plane join needs the certificate key (64 hex digits) from "kubeadm init phase upload-certs": ${retry}`);
    }
    join.controlPlane = { localAPIEndpoint: localApiEndpoint(ctx), certificateKey: creds.certificateKey };
  }
  // A worker never gets the certificate key, even when one is at hand: it unlocks the cluster's CA keys.
  return renderYamlDocuments([join], `kubeadm join config (${role}) for node ${ctx.nodeName} of cluster ${spec.name}, rendered by Rackpilot`);
}
