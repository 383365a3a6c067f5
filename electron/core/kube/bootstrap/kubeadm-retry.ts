/**
 * Running kubeadm init/join with retries keyed on retryPolicy() (kubeadm's exit codes and the
 * recognised causes), the kubelet journal fetched when the failure involves kubelet, and a
 * failure that carries diagnose()'s findings as { diagnoses } for the Clusters page.
 */
import type { Diagnosis } from '../../../../shared/domain/cluster-diagnosis';
import type { CommandResult } from '../../../../shared/domain/ssh';
import { RackpilotError } from '../../../../shared/errors';
import { abortError } from '../../abort';
import { diagnose } from '../diagnose/diagnose';
import { retryPolicy } from '../diagnose/retry-policy';
import type { KubeStep } from '../diagnose/types';
import type { KubeNode } from '../remote';
import { BOOTSTRAP_FAILED, exitText, outputOf, pause, sh, tail } from './node-shell';
import type { BootstrapRun } from './types';

/** A failed step is run at most this many more times. */
export const MAX_RETRIES = 2;

export interface KubeadmStep {
  step: KubeStep;
  /** For messages: "kubeadm init". */
  what: string;
  node: KubeNode;
  /** One attempt (0-based); streams its own output. */
  attempt(n: number): Promise<CommandResult>;
  /** Undoes a failed attempt's half-done state before the next one (kubeadm reset -f). */
  cleanup(): Promise<void>;
  /**
   * Causes the next attempt fixes by itself although retryPolicy() refuses them: a join issues
   * fresh credentials every time, so an expired token is not the dead end it is for a person.
   * Returns the reason to log, or null.
   */
  nextAttemptFixes?(diagnoses: Diagnosis[]): string | null;
}

export function bootstrapFailure(message: string, diagnoses: Diagnosis[]): RackpilotError {
  return new RackpilotError(BOOTSTRAP_FAILED, message, { diagnoses });
}

/** `journalctl -u kubelet` of the node, or undefined when there is none (no journald, no unit). */
export async function kubeletJournal(b: BootstrapRun, node: KubeNode): Promise<string | undefined> {
  try {
    const r = await sh(b, node, 'command -v journalctl >/dev/null 2>&1 || exit 0\njournalctl -u kubelet --no-pager -n 200 2>/dev/null\ntrue', { timeoutMs: 60_000 });
    return r.stdout.trim() ? r.stdout : undefined;
  } catch (err) {
    if (b.signal.aborted) throw err;
    return undefined;
  }
}

export async function runKubeadmStep(b: BootstrapRun, s: KubeadmStep): Promise<void> {
  for (let n = 0; ; n++) {
    const r = await s.attempt(n);
    if (b.signal.aborted) throw abortError();
    if (r.exitCode === 0) return;

    const output = outputOf(r);
    // The shell reports a kubeadm killed by signal N (OOM killer, a reboot) as exit 128+N: it never
    // said whether it failed, which is what a missing exit code means to retryPolicy().
    const exitCode = r.exitCode !== null && r.exitCode > 128 ? null : r.exitCode;
    // kubeadm's own words point at kubelet when it is involved (kubelet-check, kubelet-start).
    const journal = /kubelet/i.test(output) ? await kubeletJournal(b, s.node) : undefined;
    const decision = retryPolicy(s.step, exitCode, output, journal);
    const diagnoses = diagnose({
      step: s.step,
      exitCode,
      output,
      ...(journal ? { kubeletJournal: journal } : {}),
      cgroupDriver: b.spec.runtime.cgroupDriver,
    });
    const fixedByRetry = decision.action === 'fail' ? (s.nextAttemptFixes?.(diagnoses) ?? null) : null;
    const retry = decision.action === 'retry' || fixedByRetry !== null;
    const killed = exitCode === null && r.exitCode !== null && diagnoses.length === 0 ? `Retrying: ${s.what} was killed by signal ${r.exitCode - 128} before it finished.` : null;
    if (retry && n < MAX_RETRIES) {
      b.log(`↻ ${s.what} on ${s.node.name} failed (${exitText(r)}). ${fixedByRetry ?? killed ?? decision.reason} Attempt ${n + 2} of ${MAX_RETRIES + 1}.`, 'error');
      await s.cleanup();
      await pause(b.timing.retryDelayMs, b.signal);
      continue;
    }
    b.log(`✗ ${s.what} on ${s.node.name} failed (${exitText(r)}). ${retry ? `Gave up after ${n + 1} attempts.` : decision.reason}`, 'error');
    const cause = diagnoses.length > 0 ? diagnoses.map((d) => d.title).join('; ') : tail(output);
    const next = diagnoses.length > 0 ? 'The diagnosis says what to fix' : "kubeadm's output is in the job log";
    throw bootstrapFailure(
      `${s.what} failed on ${s.node.name} (${exitText(r)}${n > 0 ? `, after ${n + 1} attempts` : ''}): ${cause}. ${next}; then run the bootstrap again — it resumes where it stopped.`,
      diagnoses,
    );
  }
}

/** `kubeadm reset -f` on a node, output in the log; a failure stops the bootstrap. */
export async function kubeadmReset(b: BootstrapRun, node: KubeNode, why: string): Promise<void> {
  b.log(`${node.name}: ${why}: running kubeadm reset -f`);
  const r = await sh(b, node, 'kubeadm reset -f', { stream: `${node.name}: `, timeoutMs: 10 * 60_000 });
  if (r.exitCode !== 0) {
    throw bootstrapFailure(
      `kubeadm reset -f failed on ${node.name} (${exitText(r)}): ${tail(outputOf(r))}. Clean the node by hand (the job log has reset's output) or tear the cluster down, then run the bootstrap again.`,
      diagnose({ step: 'reset', exitCode: r.exitCode, output: outputOf(r) }),
    );
  }
}
