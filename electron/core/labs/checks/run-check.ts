/**
 * Runs one check of a step (placeholders already filled) against the learner's real nodes and
 * says what it ran, what it saw and — when it did not pass — the lab's hint. It never throws
 * except when the caller aborts: a check that could not run (node unreachable, no cluster) is
 * status 'error', so the learner sees it is not their answer that is wrong.
 */
import type { CheckResult, LabCheck, LabCheckKind } from '../../../../shared/domain/lab';
import { abortError } from '../../abort';
import type { CheckDeps, CheckTarget } from './check-deps';
import { CannotRun, clip, type CheckKind } from './check-kit';
import { commandCheck } from './command-check';
import { containerCheck } from './container-check';
import { fileCheck } from './file-check';
import { httpCheck } from './http-check';
import { kubeDeploymentCheck } from './kube-deployment-check';
import { kubeNodesCheck } from './kube-nodes-check';
import { nodeStateCheck } from './node-state-check';
import { portCheck } from './port-check';
import { rebootedCheck } from './rebooted-check';
import { stackCheck } from './stack-check';
import { systemdCheck } from './systemd-check';

/** saw is for reading at a glance: long outputs are trimmed to this. */
export const SAW_MAX = 1500;

const KINDS: { [K in LabCheckKind]: CheckKind<K> } = {
  'node-state': nodeStateCheck,
  command: commandCheck,
  http: httpCheck,
  port: portCheck,
  systemd: systemdCheck,
  container: containerCheck,
  stack: stackCheck,
  file: fileCheck,
  rebooted: rebootedCheck,
  'kube-nodes-ready': kubeNodesCheck,
  'kube-deployment-available': kubeDeploymentCheck,
};

const GENERIC_TODO = 'Fix what is described above (is the node on and reachable over SSH?), then check again.';

export async function runCheck(check: LabCheck, target: CheckTarget, deps: CheckDeps, signal?: AbortSignal): Promise<CheckResult> {
  if (signal?.aborted) throw abortError();
  // The kinds are indexed by the check's own kind, so each gets the check shape it declares.
  const kind = KINDS[check.kind] as unknown as CheckKind<LabCheckKind>;
  const at = new Date().toISOString();
  const started = performance.now();
  const base = { checkId: check.id, title: check.title, kind: check.kind, at };
  let ran: string;
  try {
    ran = kind.ran(check as never, target);
  } catch {
    ran = `${check.kind} check "${check.title}"`;
  }
  try {
    // fillPlaceholders writes ‹role› for a role without a node: asking such a URL or path would
    // only confuse the learner (or resolve a made-up host name).
    const unassigned = /‹([a-z][a-z0-9]*)›/.exec(JSON.stringify(check));
    if (unassigned) throw new CannotRun(`This check refers to the role "${unassigned[1]}", which has no node in this lab run.`, 'Stop the lab and start it again, picking a node for every role.');
    const verdict = await kind.judge(check as never, { target, deps, ...(signal ? { signal } : {}) });
    return { ...base, status: verdict.pass ? 'pass' : 'fail', ran, saw: clip(verdict.saw, SAW_MAX), hint: verdict.pass ? null : check.hint, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    if (signal?.aborted) throw abortError();
    const message = err instanceof Error ? err.message : String(err);
    const todo = err instanceof CannotRun ? err.todo : GENERIC_TODO;
    return {
      ...base,
      status: 'error',
      ran,
      saw: clip(`The check could not run: ${message}`, SAW_MAX),
      hint: `${check.hint}\n\nThis check could not run, so it says nothing about your work yet. ${todo}`,
      durationMs: Math.round(performance.now() - started),
    };
  }
}
