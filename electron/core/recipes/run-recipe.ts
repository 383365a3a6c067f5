/**
 * Runs a recipe on one node, step by step, reporting each step as it starts and ends
 * (ok / changed / failed / skipped). A failed step stops the node's run — later steps depend on
 * earlier ones — and they are reported `skipped` with the reason.
 */
import type { LogStream } from '../../../shared/domain/job';
import type { RecipeParams, RecipeRunResult, RecipeSummary, StepResult } from '../../../shared/domain/recipe';
import type { CommandResult } from '../../../shared/domain/ssh';
import { RackpilotError } from '../../../shared/errors';
import { abortError } from '../abort';
import { jobLogSink } from '../ssh/job-log';
import type { SshService } from '../ssh/ssh-service';
import type { SshTarget } from '../ssh/target';
import { OS_INFO_SCRIPT, parseOsInfo, type OsInfo } from './os-info';
import type { Recipe, RecipeStep, StepContext } from './recipe';

export interface RecipeRunOptions {
  ssh: SshService;
  target: SshTarget;
  params: RecipeParams;
  checkOnly: boolean;
  signal: AbortSignal;
  log: (line: string, stream?: LogStream) => void;
  /** Called when a step starts (status running) and when it ends. */
  onStep: (index: number, step: StepResult) => void;
  /** Per script. Package installs are the slow ones. Default 20 minutes. */
  stepTimeoutMs?: number;
}

const DEFAULT_STEP_TIMEOUT = 20 * 60_000;

export async function runRecipe(recipe: Recipe, o: RecipeRunOptions): Promise<RecipeRunResult> {
  const results: StepResult[] = recipe.steps.map((s) => ({ id: s.id, title: s.title, status: 'pending', message: null, durationMs: 0 }));
  const finish = (): RecipeRunResult => ({ recipe: recipe.id as RecipeRunResult['recipe'], nodeId: o.target.nodeId, checkOnly: o.checkOnly, steps: results, summary: summarise(results) });
  const sudo = o.target.user !== 'root';

  let os: OsInfo;
  try {
    os = await readOs(o, sudo);
  } catch (err) {
    // Unreachable, host key not pinned, sudo wants a password: the first step carries the SSH
    // layer's message (it says what to do), the rest say they did not run.
    if (o.signal.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    results.forEach((_, i) => report(o, results, i, i === 0 ? { status: 'failed', message, durationMs: 0 } : { status: 'skipped', message: 'Not run: the node could not be reached.', durationMs: 0 }));
    return finish();
  }
  const unsupported = recipe.unsupported?.(os) ?? null;
  const ctx: StepContext = { nodeName: o.target.name, adminUser: o.target.user, params: o.params, os };
  o.log(`${recipe.title} on ${o.target.name} (${os.prettyName})${o.checkOnly ? ' — check mode, nothing is changed' : ''}`);

  let stopReason: string | null = unsupported;
  let wouldChange = false;
  for (const [index, step] of recipe.steps.entries()) {
    if (o.signal.aborted) throw abortError();
    const skipReason = stopReason ?? step.skip?.(ctx) ?? null;
    if (skipReason) {
      report(o, results, index, { status: 'skipped', message: skipReason, durationMs: 0 });
      continue;
    }
    report(o, results, index, { status: 'running', message: null, durationMs: 0 });
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await runStep(step, ctx, o, sudo, wouldChange);
    } catch (err) {
      // Cancelled: the job says so. Anything else (connection lost, sudo wants a password) fails
      // this step with the SSH layer's message, and the step list still shows how far it got.
      if (o.signal.aborted) throw err;
      outcome = { status: 'failed', message: err instanceof Error ? err.message : String(err) };
    }
    const durationMs = Math.round(performance.now() - started);
    report(o, results, index, { ...outcome, durationMs });
    if (outcome.status === 'changed') wouldChange = true;
    if (outcome.status === 'failed') stopReason = `Not run: step "${step.title}" failed.`;
  }
  return finish();
}

type Outcome = Pick<StepResult, 'status' | 'message'>;

async function runStep(step: RecipeStep, ctx: StepContext, o: RecipeRunOptions, sudo: boolean, earlierChanges: boolean): Promise<Outcome> {
  o.log(`TASK [${step.title}]`);
  const first = await script(o, sudo, step.check(ctx));
  if (first.exitCode === 0) return { status: 'ok', message: lastLine(first) };
  if (first.exitCode !== 1) {
    // In check mode an earlier step's missing change (say, a package not yet installed) can make a
    // later check impossible; that is "unknown until applied", not a failure.
    if (o.checkOnly && earlierChanges) return { status: 'skipped', message: `Cannot check before the earlier changes are applied: ${failureText(first)}` };
    return { status: 'failed', message: `The check failed: ${failureText(first)}` };
  }
  if (!step.apply) return { status: 'failed', message: lastLine(first) ?? 'Verification failed.' };
  if (o.checkOnly) return { status: 'changed', message: `Would change: ${lastLine(first) ?? step.title}` };

  const applied = await script(o, sudo, step.apply(ctx));
  if (applied.exitCode !== 0) return { status: 'failed', message: failureText(applied) };
  // Check again: an apply that "succeeded" but left the check failing would report `changed`
  // on every run forever, which is exactly what recipes promise not to do.
  const after = await script(o, sudo, step.check(ctx));
  if (after.exitCode !== 0) return { status: 'failed', message: `Applied, but the check still fails: ${lastLine(after) ?? failureText(after)}` };
  return { status: 'changed', message: lastLine(after) };
}

async function readOs(o: RecipeRunOptions, sudo: boolean): Promise<OsInfo> {
  const result = await o.ssh.runScript(o.target, OS_INFO_SCRIPT, { signal: o.signal, timeoutMs: 60_000, sudo });
  if (result.exitCode !== 0) {
    throw new RackpilotError('E_RECIPE_FAILED', `Could not read /etc/os-release on ${o.target.name}: ${failureText(result)}`);
  }
  return parseOsInfo(result.stdout);
}

function script(o: RecipeRunOptions, sudo: boolean, body: string): Promise<CommandResult> {
  const sink = jobLogSink({ log: o.log });
  // The script arrives on sh's stdin; the subshell's </dev/null keeps apt, systemctl and the like
  // from reading the rest of the script as their input.
  const wrapped = `export LC_ALL=C DEBIAN_FRONTEND=noninteractive PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n(\n${body}\n) </dev/null\n`;
  return o.ssh.runScript(o.target, wrapped, {
    signal: o.signal,
    timeoutMs: o.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT,
    sudo,
    onStdout: sink.onStdout,
    onStderr: sink.onStderr,
  }).finally(() => sink.flush());
}

function report(o: RecipeRunOptions, results: StepResult[], index: number, change: Omit<StepResult, 'id' | 'title'>): void {
  const current = results[index];
  if (!current) return;
  const next = { ...current, ...change };
  results[index] = next;
  if (next.status !== 'running') o.log(`${next.status}: ${next.title}${next.message ? ` — ${next.message}` : ''}`, next.status === 'failed' ? 'error' : 'info');
  o.onStep(index, next);
}

function lastLine(r: CommandResult): string | null {
  const lines = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? null;
}

function failureText(r: CommandResult): string {
  const err = r.stderr.trim().split('\n').slice(-3).join(' ').trim();
  const out = lastLine(r);
  const code = r.exitCode === null ? `killed by ${r.signal ?? 'a signal'}` : `exit ${r.exitCode}`;
  return `${err || out || 'no output'} (${code})`;
}

export function summarise(steps: StepResult[]): RecipeSummary {
  const count = (s: StepResult['status']) => steps.filter((x) => x.status === s).length;
  return { ok: count('ok'), changed: count('changed'), failed: count('failed'), skipped: count('skipped') };
}
