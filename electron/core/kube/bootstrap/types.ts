/**
 * The bootstrap's public shapes (issue 7 §3) and the state one run carries from phase to phase.
 */
import type { ClusterSpec } from '../../../../shared/domain/cluster';
import type { LogStream } from '../../../../shared/domain/job';
import type { JobContext } from '../../jobs/jobs-service';
import type { SshService } from '../../ssh/ssh-service';
import type { KubeNode, Remote } from '../remote';
import type { RenderedCluster, RenderedNode } from '../render/render-cluster';

/** How long the bootstrap waits for things that take their time; tests shorten them. */
export interface BootstrapTiming {
  /** Wait for Ready gives up after this long. Default 10 minutes. */
  readyTimeoutMs: number;
  /** Between two looks at the nodes and pods. Default 5 s. */
  pollMs: number;
  /** Before a retried kubeadm step or CNI apply. Default 5 s. */
  retryDelayMs: number;
  /** How long a half-up API server on the init node is given before its state counts as a leftover. Default 30 s. */
  apiGraceMs: number;
}

export interface BootstrapDeps {
  remote: Remote;
  /** For the k8s-prereqs recipe, which talks to the SSH layer directly. */
  ssh: SshService;
  timing?: Partial<BootstrapTiming>;
}

export interface BootstrapInput {
  spec: ClusterSpec;
  /** Bootstrap order: the init node first. */
  nodes: KubeNode[];
  rendered: RenderedCluster;
}

export type PhaseOutcome = 'done' | 'skipped';

export interface PhaseReport {
  name: string;
  outcome: PhaseOutcome;
  detail: string;
}

export interface BootstrapResult {
  /** admin.conf as fetched from the init node: its server is NOT rewritten. */
  adminKubeconfig: string;
  endpoint: string;
  phases: PhaseReport[];
  /** The installed kubeadm's version (v1.34.1), or the rendered one when it could not be read. */
  kubernetesVersion: string;
}

/** A cluster member with what was rendered for it. */
export interface Member {
  node: KubeNode;
  plan: RenderedNode;
}

/** One bootstrap run: inputs, the job, and what phases learn for later ones. */
export interface BootstrapRun {
  deps: BootstrapDeps;
  spec: ClusterSpec;
  rendered: RenderedCluster;
  members: Member[];
  /** The node `kubeadm init` runs on (members[0]). */
  init: Member;
  ctx: JobContext;
  signal: AbortSignal;
  timing: BootstrapTiming;
  /** Job log, every line masked for kubeadm secrets. */
  log(line: string, stream?: LogStream): void;
  learned: {
    /** `kubeadm version -o short` on the init node. */
    kubeadmVersion?: string;
    adminKubeconfig?: string;
  };
}
