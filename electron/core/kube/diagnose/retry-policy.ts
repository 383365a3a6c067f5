/**
 * Whether a failed step is worth running again as is.
 *
 * kubeadm's exit codes (cmd/kubeadm/app/util/error.go): 1 for a general failure, 2 when preflight
 * checks failed, 3 for validation errors. In practice most failures exit 1: init and join run as
 * phases whose errors are wrapped ("error execution phase preflight: …"), which loses the
 * preflight type, and the errors package kubeadm moved to in 2025 (cmd/kubeadm/app/util/errors)
 * exits 1 for everything. So 2 and 3 are trusted when present, and otherwise the output decides:
 * a recognised cause first, then kubeadm's preflight/validation wording, then transient network
 * and timeout errors.
 */
import { diagnoseWithRules } from './diagnose';
import type { KubeStep } from './types';

export type RetryAction = 'retry' | 'fail';

export interface RetryDecision {
  action: RetryAction;
  /** One sentence for the job log: why it is, or is not, retried. */
  reason: string;
}

export const KUBEADM_EXIT = { failure: 1, preflight: 2, validation: 3 } as const;

/** Failures that pass on their own: the other side was starting, busy, or briefly unreachable. */
const TRANSIENT = [
  /connection refused/,
  /no route to host/,
  /i\/o timeout/,
  /Client\.Timeout exceeded/,
  /TLS handshake timeout/,
  /context deadline exceeded/,
  /timed out waiting for the condition/,
  /connection reset by peer/,
  /unexpected EOF/,
  /http2: client connection lost/,
  /etcdserver: (request timed out|leader changed|too many requests)/,
  /the server is currently unable to handle the request/,
  /Unable to connect to the server/,
];
const PREFLIGHT_FAILED = /\[preflight\] Some fatal errors occurred|preflight checks failed/;

/** Steps that can run any number of times: a second run only finishes what the first began. */
const IDEMPOTENT: ReadonlySet<KubeStep> = new Set(['reset', 'cni', 'ready']);

/** For a failed run of `step`; the kubelet journal, when fetched, lets a kubelet-side cause decide. */
export function retryPolicy(step: KubeStep, exitCode: number | null, output: string, kubeletJournal?: string): RetryDecision {
  if (exitCode === 0) return { action: 'fail', reason: 'The step succeeded (exit code 0): there is nothing to retry.' };

  const matched = diagnoseWithRules({ step, exitCode, output, ...(kubeletJournal ? { kubeletJournal } : {}) });
  const blocking = matched.find((m) => !m.rule.retryable);
  if (blocking) {
    return {
      action: 'fail',
      reason: `Not retried: ${blocking.rule.title} — running the step again unchanged would fail the same way; the diagnosis says what to fix.`,
    };
  }
  const passing = matched[0];
  if (passing) {
    return { action: 'retry', reason: `Retrying: ${passing.rule.title} — this can pass on a later attempt.` };
  }

  if (exitCode === null) {
    return {
      action: 'retry',
      reason: 'Retrying: the command ended without an exit code (the SSH session dropped or it was stopped), so it never said whether it failed.',
    };
  }
  if (exitCode === KUBEADM_EXIT.preflight || PREFLIGHT_FAILED.test(output)) {
    return { action: 'fail', reason: "Not retried: kubeadm's preflight checks failed; they fail the same way until the node is fixed." };
  }
  if (exitCode === KUBEADM_EXIT.validation) {
    return { action: 'fail', reason: 'Not retried: kubeadm exited with 3, its code for invalid configuration; the config must change first.' };
  }
  const transient = TRANSIENT.map((pattern) => pattern.exec(output)?.[0]).find((text) => text !== undefined);
  if (transient) {
    return { action: 'retry', reason: `Retrying: the failure looks transient ("${transient}").` };
  }
  if (IDEMPOTENT.has(step)) {
    return { action: 'retry', reason: `Retrying: the ${step} step is safe to run again, and this failure (exit code ${exitCode}) is not one known to repeat.` };
  }
  return {
    action: 'fail',
    reason: `Not retried: kubeadm ${step} exited with ${exitCode} for a reason Rackpilot does not recognise, and a half-done ${step} must be cleaned up (kubeadm reset) before another attempt.`,
  };
}
