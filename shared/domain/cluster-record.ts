/**
 * A cluster as Rackpilot keeps it (issue 7): the spec a person wrote plus what happened to it —
 * bootstrap progress, the fetched kubeconfig, backups taken before teardowns, a rebuild in
 * progress. Also the reports the Clusters page shows: preflight, status, teardown plan, wipe check.
 */
import { z } from 'zod';
import type { Diagnosis } from './cluster-diagnosis';
import { clusterSpecSchema, type ClusterSpec, type ClusterSpecIssue } from './cluster';

export const CLUSTER_STATES = ['draft', 'bootstrapping', 'ready', 'failed', 'tearing-down', 'torn-down', 'rebuilding'] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

/** What was copied to the data dir before a teardown: restoring from it is the user's way back. */
export interface ClusterBackup {
  id: string;
  takenAt: string;
  reason: 'teardown' | 'soft-reset' | 'rebuild';
  /** Absolute folder in Rackpilot's data dir. */
  dir: string;
  files: { name: string; bytes: number; sha256: string }[];
}

/** A rebuild survives an app restart: the job records how far each node got. */
export const REBUILD_STEPS = ['teardown', 'reinstall', 'phone-home', 'provisioning', 'bootstrap', 'stacks', 'done'] as const;
export type RebuildStep = (typeof REBUILD_STEPS)[number];

export interface RebuildProgress {
  startedAt: string;
  reinstall: boolean;
  /** The step the whole rebuild reached (steps run cluster-wide, in order). */
  step: RebuildStep;
  jobId: string | null;
}

export interface Cluster {
  name: string;
  spec: ClusterSpec;
  state: ClusterState;
  /** host:port every kubeconfig uses, once bootstrapped. */
  endpoint: string | null;
  /** True once the admin kubeconfig was fetched (clusters.kubeconfig serves it). */
  hasKubeconfig: boolean;
  /** The last bootstrap / teardown / rebuild job. */
  lastJobId: string | null;
  /** Why the last job failed, in plain language, when Rackpilot recognised it. */
  diagnoses: Diagnosis[];
  backups: ClusterBackup[];
  rebuild: RebuildProgress | null;
  createdAt: string;
  updatedAt: string;
}

export interface ClusterSaveResult {
  cluster: Cluster;
  /** checkClusterSpec's findings against the inventory (saved anyway; bootstrap refuses errors). */
  issues: ClusterSpecIssue[];
}

// ---- preflight ----

export type PreflightStatus = 'pass' | 'warn' | 'fail';

export interface PreflightCheck {
  /** e.g. ssh, sudo, os, arch, cpus, memory, hostname-unique, mac-unique, product-uuid-unique, swap, time-sync, port-free:6443, port-reachable:6443 */
  id: string;
  /** Null for checks about the cluster as a whole. */
  nodeId: string | null;
  title: string;
  status: PreflightStatus;
  /** What was seen, e.g. "1 CPU". */
  message: string;
  /** Plain-language fix, with the command to run when there is one; null when it passed. */
  fix: string | null;
}

export interface PreflightReport {
  clusterName: string;
  checkedAt: string;
  checks: PreflightCheck[];
  /** True when no check failed (warnings allowed). */
  ok: boolean;
}

// ---- status ----

export interface ClusterNodeStatus {
  name: string;
  ready: boolean;
  /** e.g. ["control-plane"]; empty for workers. */
  roles: string[];
  kubeletVersion: string;
  internalIp: string | null;
  /** The Ready condition's message when not ready. */
  message: string | null;
}

export interface SystemPodStatus {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  nodeName: string | null;
}

export interface ClusterStatus {
  clusterName: string;
  checkedAt: string;
  /** False when the API server could not be reached; `error` says why. */
  reachable: boolean;
  error: string | null;
  serverVersion: string | null;
  nodes: ClusterNodeStatus[];
  systemPods: SystemPodStatus[];
  /** The earliest certificate expiry (`kubeadm certs check-expiration` on the first control plane). */
  certificates: { earliestExpiry: string | null; certs: { name: string; expires: string; residualDays: number }[] } | null;
}

// ---- teardown ----

export interface TeardownLoss {
  kind: 'persistent-volume' | 'secret' | 'namespace' | 'stack';
  name: string;
  /** e.g. "10Gi on node-2:/mnt/data (local)", or the namespace of a Secret. */
  detail: string;
}

export interface TeardownPlan {
  clusterName: string;
  /** Nodes in teardown order (workers first), by name. */
  nodes: { id: string; name: string; role: 'control-plane' | 'worker' }[];
  /** What is gone afterwards (the backup keeps etcd, PKI and kubeconfig, not volume data). */
  losses: TeardownLoss[];
  /** Null when the API server did not answer (the plan then lists what it could not check). */
  apiError: string | null;
  /** Where the backup will go. */
  backupDir: string;
}

export interface Leftover {
  kind: 'interface' | 'mount' | 'file' | 'iptables-chain' | 'address' | 'process';
  item: string;
  /** How to remove it by hand. */
  hint: string;
}

export interface CleanWipeReport {
  checkedAt: string;
  nodes: { nodeId: string; name: string; clean: boolean; leftovers: Leftover[]; error: string | null }[];
}

// ---- method inputs ----

const clusterName = z.string().trim().min(1).max(63);
export const clusterRefInput = z.object({ name: clusterName }).strict();
export const clusterSaveInput = z.object({ spec: clusterSpecSchema }).strict();
/** Destructive: the caller repeats the cluster's name. */
export const clusterConfirmInput = z.object({ name: clusterName, confirmName: z.string().max(100) }).strict();
export const clusterTeardownInput = z
  .object({ name: clusterName, confirmName: z.string().max(100), mode: z.enum(['full', 'soft']).default('full') })
  .strict();
export const clusterRebuildInput = z
  .object({
    name: clusterName,
    confirmName: z.string().max(100),
    /** Reinstall the OS through PXE (netboot flag + reboot) before bootstrapping again. */
    reinstall: z.boolean().default(false),
    /** Re-apply the stacks stored for the cluster's nodes afterwards. */
    reapplyStacks: z.boolean().default(true),
  })
  .strict();
export const clusterMergeKubeconfigInput = z
  .object({ name: clusterName, /** Default ~/.kube/config. */ path: z.string().min(1).max(4096).optional() })
  .strict();

export interface KubeconfigFile {
  /** The admin kubeconfig with the server rewritten to the endpoint and names after the cluster. */
  yaml: string;
  contextName: string;
  fileName: string;
}

export interface KubeconfigMergeResult {
  path: string;
  contextName: string;
  /** The copy made before writing; null when the file did not exist. */
  backupPath: string | null;
  /** True when a context of that name already existed (it was this cluster's and got replaced). */
  replaced: boolean;
}
