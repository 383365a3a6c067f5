/**
 * One ad-hoc command on many nodes, one result per node — what `ansible all -m raw -a …` does,
 * over the pooled connections instead of one ssh process per host. Nodes run concurrently up to
 * a bound (the pool separately caps simultaneous handshakes); each node's output streams into the
 * job log prefixed with its name; a node that fails never fails the job: its result says so.
 */
import { StringDecoder } from 'node:string_decoder';
import type { BulkCommandResult, NodeCommandResult, NodeCommandState } from '../../../shared/domain/command';
import type { Node } from '../../../shared/domain/node';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { WireError } from '../../../shared/protocol';
import { JobFailedWithResult, type JobContext } from '../jobs/jobs-service';
import { isAbortError } from '../rpc/errors';
import { LineSplitter, OutputTail } from './output-tail';
import type { SshService } from './ssh-service';
import { describeTarget, targetFromNode, type SshTarget } from './target';

export const BULK_COMMAND_PHASES = ['connect and run', 'collect'];

/** Nodes worked on at once. Past this, more parallelism only queues on the handshake cap and the CPU. */
export const DEFAULT_FAN_OUT = 32;

/**
 * Output kept per node and stream in the result, shared out of this budget: the job log holds the
 * full output, and the result travels whole in every `jobs.get` and `jobs.changed`.
 */
const RESULT_OUTPUT_BUDGET = 1024 * 1024;
const MIN_KEEP = 512;
const MAX_KEEP = 16 * 1024;

/** Errors meaning "could not get a usable SSH session on the node", whenever they surface. */
const UNREACHABLE_CODES = new Set<string>([ErrorCode.SshUnreachable, ErrorCode.SshAuth, ErrorCode.SshHostKeyMismatch, ErrorCode.SshHostKeyUnknown]);

/**
 * A node's command was killed by a signal (no exit code). Not in shared/errors.ts yet: it belongs
 * there once a client keys on it.
 */
const COMMAND_SIGNALLED = 'E_COMMAND_SIGNALLED';

export interface BulkCommandSpec {
  command: string;
  sudo: boolean;
  /** sudo's password when the nodes ask for one (never logged). */
  sudoPassword?: string;
  /** Per node, for the command itself (connecting has the pool's own handshake timeout). */
  timeoutMs: number;
  /** Default DEFAULT_FAN_OUT. */
  concurrency?: number;
}

/** `Run "uname -a" on 20 nodes`: the command's first line, shortened for lists. */
export function bulkCommandTitle(command: string, nodes: readonly Pick<Node, 'name'>[]): string {
  const lines = command.trim().split('\n');
  let shown = lines[0]!.trim();
  if (shown.length > 60) shown = `${shown.slice(0, 59)}…`;
  else if (lines.length > 1) shown += ' …';
  const where = nodes.length === 1 ? nodes[0]!.name : `${nodes.length} nodes`;
  return `Run "${shown}" on ${where}`;
}

export function emptySummary(): Record<NodeCommandState, number> {
  return { ok: 0, failed: 0, unreachable: 0, cancelled: 0 };
}

export function summaryLine(summary: Record<NodeCommandState, number>, nodes: number, ms: number): string {
  const counts = (Object.keys(summary) as NodeCommandState[]).map((s) => `${summary[s]} ${s}`).join(', ');
  return `${nodes} node${nodes === 1 ? '' : 's'}: ${counts} (${(ms / 1000).toFixed(1)} s)`;
}

export async function runBulkCommand(ssh: SshService, nodes: readonly Node[], spec: BulkCommandSpec, ctx: JobContext): Promise<BulkCommandResult> {
  const started = performance.now();
  const keep = Math.min(MAX_KEEP, Math.max(MIN_KEEP, Math.floor(RESULT_OUTPUT_BUDGET / Math.max(1, nodes.length) / 2)));
  const results: NodeCommandResult[] = new Array<NodeCommandResult>(nodes.length);
  const summary = emptySummary();
  let next = 0;
  let finished = 0;
  // A fixed set of workers pulling the next node: at most `concurrency` nodes hold a channel (and
  // its buffers) at once, whatever the number of nodes.
  const worker = async () => {
    while (next < nodes.length) {
      const i = next++;
      const result = await runOnNode(ssh, nodes[i]!, spec, ctx, keep);
      results[i] = result;
      summary[result.state]++;
      logOutcome(ctx, result);
      ctx.progress(++finished / nodes.length);
    }
  };
  const workers = Math.max(1, Math.min(spec.concurrency ?? DEFAULT_FAN_OUT, nodes.length));
  await Promise.all(Array.from({ length: workers }, worker));

  ctx.phase('collect');
  const result: BulkCommandResult = { command: spec.command, results, summary };
  const line = summaryLine(summary, nodes.length, performance.now() - started);
  if (ctx.signal.aborted) {
    ctx.log(`cancelled — ${line}`, 'error');
    // Keeps the per-node results of a cancelled run: which nodes ran it, and which never did.
    throw new JobFailedWithResult(ErrorCode.Cancelled, 'Cancelled by the user.', result);
  }
  ctx.log(line);
  return result;
}

async function runOnNode(ssh: SshService, node: Node, spec: BulkCommandSpec, ctx: JobContext, keep: number): Promise<NodeCommandResult> {
  const started = performance.now();
  const stdout = new OutputTail(keep);
  const stderr = new OutputTail(keep);
  const finish = (state: NodeCommandState, exitCode: number | null, error: WireError | null): NodeCommandResult => ({
    nodeId: node.id,
    name: node.name,
    state,
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
    durationMs: Math.round(performance.now() - started),
    error,
  });

  if (ctx.signal.aborted) return finish('cancelled', null, { code: ErrorCode.Cancelled, message: 'Not run: the job was cancelled before this node had its turn.' });
  if (node.address === '') {
    return finish('unreachable', null, { code: ErrorCode.Validation, message: `Node ${node.name} has no address yet. Edit the node and enter its IP address or host name, then run the command again.` });
  }
  const target = targetFromNode(node);
  try {
    // Connect first, on its own: any failure here means the command never started.
    await ssh.pool.connection(target).ready(ctx.signal);
  } catch (err) {
    return finish(...classify(err, target, ctx.signal, 'connect'));
  }
  const log = prefixedLog(ctx, node.name);
  try {
    const r = await ssh.run(target, spec.command, {
      sudo: spec.sudo && spec.sudoPassword ? { password: spec.sudoPassword } : spec.sudo,
      timeoutMs: spec.timeoutMs,
      signal: ctx.signal,
      keepBytes: keep,
      onStdout: (chunk) => {
        stdout.push(chunk);
        log.stdout(chunk);
      },
      onStderr: (chunk) => {
        stderr.push(chunk);
        log.stderr(chunk);
      },
    });
    log.flush();
    if (r.exitCode === 0) return finish('ok', 0, null);
    const error = r.exitCode === null
      ? { code: COMMAND_SIGNALLED, message: `The command on ${describeTarget(target)} was ended by signal ${r.signal ?? '(unknown)'} and has no exit code: something on the node killed it (the OOM killer, or a person). Check the node's kernel log.` }
      : null;
    return finish('failed', r.exitCode, error);
  } catch (err) {
    log.flush();
    return finish(...classify(err, target, ctx.signal, 'run'));
  }
}

/**
 * What an error means for one node. Connection errors (refused, handshake timeout, auth, host
 * key) make it `unreachable`; once the command has started, a timeout or a dropped connection is
 * `failed` — the command may have run, and "unreachable" would say it did not.
 */
function classify(err: unknown, target: SshTarget, signal: AbortSignal, stage: 'connect' | 'run'): [NodeCommandState, number | null, WireError] {
  if (signal.aborted || isAbortError(err)) {
    const message = stage === 'connect' ? 'Not run: the job was cancelled while connecting.' : 'Stopped: the job was cancelled; the command’s processes on the node were killed.';
    return ['cancelled', null, { code: ErrorCode.Cancelled, message }];
  }
  if (!(err instanceof RackpilotError)) {
    const message = `Running the command on ${describeTarget(target)} failed: ${err instanceof Error ? err.message : String(err)}. Try again; if it persists, check sshd's log on the node.`;
    return [stage === 'connect' ? 'unreachable' : 'failed', null, { code: stage === 'connect' ? ErrorCode.SshUnreachable : ErrorCode.Internal, message }];
  }
  const error: WireError = err.details === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, details: err.details };
  const unreachable = stage === 'connect' || UNREACHABLE_CODES.has(err.code);
  return [unreachable ? 'unreachable' : 'failed', null, error];
}

/** One line per node when it finishes, so the log alone tells the story. */
function logOutcome(ctx: JobContext, r: NodeCommandResult): void {
  const took = `${(r.durationMs / 1000).toFixed(2)} s`;
  if (r.state === 'ok') ctx.log(`${r.name} | ok (exit 0, ${took})`);
  else if (r.state === 'failed' && r.exitCode !== null) ctx.log(`${r.name} | failed: exit ${r.exitCode} (${took})`, 'error');
  else ctx.log(`${r.name} | ${r.state}: ${r.error?.message ?? 'no details'}`, 'error');
}

interface PrefixedLog {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** Writes final lines that had no newline. */
  flush(): void;
}

/** `r720-01 | <line>` on the stream the line came from; decodes UTF-8 across chunk edges. */
function prefixedLog(ctx: Pick<JobContext, 'log'>, name: string): PrefixedLog {
  const stream = (kind: 'stdout' | 'stderr') => {
    const decoder = new StringDecoder('utf8');
    const lines = new LineSplitter((line) => ctx.log(`${name} | ${line}`, kind));
    return {
      push: (chunk: Buffer) => lines.push(decoder.write(chunk)),
      flush: () => {
        lines.push(decoder.end());
        lines.flush();
      },
    };
  };
  const out = stream('stdout');
  const err = stream('stderr');
  return {
    stdout: out.push,
    stderr: err.push,
    flush: () => {
      out.flush();
      err.flush();
    },
  };
}
