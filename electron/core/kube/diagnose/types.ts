/**
 * What a diagnosis looks at and what it says. A rule recognises one known failure in a step's
 * output (and the kubelet journal when the orchestration fetched it) and explains it in plain
 * language: what was seen, and what to do.
 */
import type { DiagnosisCode } from '../../../../shared/domain/cluster-diagnosis';

export type KubeStep = 'init' | 'join' | 'cni' | 'ready' | 'reset';

export interface DiagnoseInput {
  step: KubeStep;
  /** null: the command never reported an exit code (killed, or the SSH session dropped). */
  exitCode: number | null;
  /** stdout and stderr of the step, as captured. */
  output: string;
  /** `journalctl -u kubelet` from the node, when the step failed in a way that involves kubelet. */
  kubeletJournal?: string;
  /**
   * The cluster spec's cgroup driver (what kubelet and containerd were both configured with), so a
   * driver the CRI runtime reports differently can be named as the mismatch it is.
   */
  cgroupDriver?: 'systemd' | 'cgroupfs';
}

export type { Diagnosis, DiagnosisCode } from '../../../../shared/domain/cluster-diagnosis';

/** Where a line was seen. */
export type EvidenceSource = 'output' | 'journal';

export interface SeenLine {
  source: EvidenceSource;
  line: string;
  match: RegExpExecArray;
}

/** The input, split into lines once for all rules. */
export interface Evidence {
  input: DiagnoseInput;
  /** Any non-zero or missing exit code. */
  failed: boolean;
  output: string[];
  journal: string[];
}

export interface Finding {
  detail: string;
  fix: string;
}

export interface Rule {
  code: DiagnosisCode;
  title: string;
  /** Whether running the step again, unchanged, can succeed (a passing network fault can; swap cannot). */
  retryable: boolean;
  /**
   * A symptom another rule usually explains (kubelet unhealthy is what swap or a cgroup mismatch
   * look like from kubeadm): reported only when no explaining rule matched.
   */
  symptom?: boolean;
  diagnose(evidence: Evidence): Finding | null;
}
