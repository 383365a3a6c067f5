/**
 * What every check kind shares: the shape of a kind (what it says it runs, how it judges), the
 * error a check raises when it could not look at all (as opposed to the learner's work being not
 * there yet), role → node lookup and trimming evidence for the learner to read.
 */
import type { LabCheck, LabCheckKind } from '../../../../shared/domain/lab';
import type { Node } from '../../../../shared/domain/node';
import { targetFromNode, type SshTarget } from '../../ssh/target';
import type { CheckDeps, CheckTarget } from './check-deps';

export type CheckOf<K extends LabCheckKind> = Extract<LabCheck, { kind: K }>;

export interface CheckContext {
  target: CheckTarget;
  deps: CheckDeps;
  signal?: AbortSignal;
}

/** The learner's work, judged: pass or fail, and what the check saw. */
export interface Verdict {
  pass: boolean;
  saw: string;
}

export interface CheckKind<K extends LabCheckKind> {
  /** What the check runs or asks, in words, placeholders already filled. */
  ran(check: CheckOf<K>, target: CheckTarget): string;
  /** Throws CannotRun (or any error) when it could not look: the result is then 'error'. */
  judge(check: CheckOf<K>, ctx: CheckContext): Promise<Verdict>;
}

/** The check could not run: `message` is what went wrong, `todo` what the learner can do. */
export class CannotRun extends Error {
  constructor(
    message: string,
    readonly todo: string,
  ) {
    super(message);
    this.name = 'CannotRun';
  }
}

/** The node assigned to a role, reachable by address. */
export function nodeFor(role: string, target: CheckTarget): Node {
  const node = target.nodes[role];
  if (!node) throw new CannotRun(`No node is assigned to the role "${role}" in this lab run.`, 'Stop the lab and start it again, picking a node for every role.');
  if (!node.address) throw new CannotRun(`Node ${node.name} (role "${role}") has no address yet.`, `Give ${node.name} its address on the Nodes page (or wait until it has booted and phoned home), then check again.`);
  return node;
}

export function sshTargetFor(role: string, target: CheckTarget): SshTarget {
  return targetFromNode(nodeFor(role, target));
}

/** The node's name for `ran` texts; a role without a node shows as ‹role›. */
export function nameOf(role: string, target: CheckTarget): string {
  return target.nodes[role]?.name ?? `‹${role}›`;
}

/** Where a probe starts, in words. */
export function fromWords(from: string, target: CheckTarget): string {
  return from === 'host' ? 'this computer' : nameOf(from, target);
}

/** Trimmed text cut to `max` characters, saying how much was left out. */
export function clip(text: string, max = 600): string {
  const t = text.replace(/\r/g, '').trim();
  if (t.length <= max) return t;
  return `${t.slice(0, max).trimEnd()}… (${t.length - max} more characters)`;
}

/** Lab regular expressions are multi-line (^ and $ match at line ends), as the format documents. */
export function labRegex(source: string): RegExp {
  return new RegExp(source, 'm');
}

/** A signal that fires after `ms` or when the caller's does; `timedOut` tells the two apart. */
export function deadline(ms: number, signal?: AbortSignal): { signal: AbortSignal; timedOut: () => boolean } {
  const timeout = AbortSignal.timeout(ms);
  return { signal: signal ? AbortSignal.any([timeout, signal]) : timeout, timedOut: () => timeout.aborted && !signal?.aborted };
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
