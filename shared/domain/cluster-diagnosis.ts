/** A recognised Kubernetes failure, explained (issue 7 §8): shown on the Clusters page and in job errors. */

export type DiagnosisCode =
  | 'cgroup-driver-mismatch'
  | 'swap-enabled'
  | 'container-runtime-down'
  | 'kubelet-unhealthy'
  | 'control-plane-unhealthy'
  | 'port-in-use'
  | 'ip-forward-disabled'
  | 'bridge-netfilter-missing'
  | 'insufficient-resources'
  | 'leftover-cluster-state'
  | 'image-pull-failed'
  | 'preflight-failed'
  | 'kubeadm-config-invalid'
  | 'join-token-invalid'
  | 'ca-cert-hash-mismatch'
  | 'certificate-key-expired'
  | 'certificate-key-mismatch'
  | 'api-server-unreachable'
  | 'pod-cidr-not-assigned'
  | 'pod-cidr-mismatch'
  | 'cni-not-ready';

export interface Diagnosis {
  code: DiagnosisCode;
  title: string;
  /** What was seen, quoting the line (secrets masked). */
  detail: string;
  /** Plain-language steps with the commands to run. */
  fix: string;
}
