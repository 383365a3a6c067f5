/**
 * Running the bootstrap's scripts on a node: cancellation from the job, stdin cut off (the script
 * itself arrives on sh's stdin, and apt or kubectl would read the rest of it), output streamed to
 * the job log masked for kubeadm's secrets, and failures turned into messages that say what to do.
 */
import type { CommandResult } from '../../../../shared/domain/ssh';
import { RackpilotError } from '../../../../shared/errors';
import { abortError } from '../../abort';
import { redactKubeadmOutput } from '../output/redact';
import { shellQuote } from '../../ssh/remote-command';
import type { KubeNode } from '../remote';
import type { BootstrapRun } from './types';

/** The error code of every bootstrap failure that is not a cancellation. */
export const BOOTSTRAP_FAILED = 'E_BOOTSTRAP_FAILED';

/** Where the bootstrap keeps the configs it hands kubeadm (kubeadm reset leaves this folder alone). */
export const RACKPILOT_DIR = '/etc/kubernetes/rackpilot';
export const ADMIN_CONF = '/etc/kubernetes/admin.conf';
export const KUBECTL = `kubectl --kubeconfig ${ADMIN_CONF}`;

export interface ShOptions {
  timeoutMs?: number;
  /** Stream the output to the job log, each line prefixed (e.g. "cp-1: "). */
  stream?: string;
}

export async function sh(b: BootstrapRun, node: KubeNode, script: string, opts: ShOptions = {}): Promise<CommandResult> {
  if (b.signal.aborted) throw abortError();
  const prefix = opts.stream;
  return b.deps.remote.run(node, `(\n${script}\n) </dev/null`, {
    signal: b.signal,
    timeoutMs: opts.timeoutMs ?? 120_000,
    // Masked before the prefix: a certificate key alone on its line is only recognisable as such unprefixed.
    ...(prefix !== undefined ? { onLine: (line, stream) => b.log(`${prefix}${redactKubeadmOutput(line)}`, stream) } : {}),
  });
}

/** stdout and stderr together, as a person reading a terminal would see them. */
export function outputOf(r: CommandResult): string {
  return [r.stdout, r.stderr].filter((s) => s.trim()).join('\n');
}

/** The last non-empty line of stdout (scripts end with the sentence that describes their state). */
export function lastLine(r: CommandResult): string {
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
}

/** A few last lines of the output, masked: enough to say what went wrong in a message. */
export function tail(text: string, lines = 3): string {
  const kept = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-lines).join(' ');
  return redactKubeadmOutput(kept.length > 600 ? `…${kept.slice(-600)}` : kept) || 'no output';
}

export function exitText(r: CommandResult): string {
  return r.exitCode === null ? `killed by ${r.signal ?? 'a signal'}` : `exit ${r.exitCode}`;
}

/** Runs a script that must succeed; a failure says what failed, where, and what to do. */
export async function mustRun(b: BootstrapRun, node: KubeNode, what: string, script: string, opts: ShOptions & { fix?: string } = {}): Promise<CommandResult> {
  const r = await sh(b, node, script, opts);
  if (r.exitCode !== 0) {
    const fix = opts.fix ?? 'Fix the cause on the node, then run the bootstrap again: it resumes where it stopped.';
    throw new RackpilotError(BOOTSTRAP_FAILED, `${what} failed on ${node.name} (${exitText(r)}): ${tail(outputOf(r))}. ${fix}`);
  }
  return r;
}

/** Sleeps, but wakes up with an AbortError when the job is cancelled. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `[ "$(sha256sum < f)" = … ]` for a file that must hold exactly `content`. */
export function sameContentTest(path: string, sha256: string): string {
  const p = shellQuote(path);
  return `[ -f ${p} ] && [ "$(sha256sum < ${p} | cut -d' ' -f1)" = '${sha256}' ]`;
}
