/**
 * Per-node rows of a bulk command (pure). The job's result has every node's outcome once it ends;
 * while it runs, the job log tells the story: each output line is `<node> | <line>` on stdout or
 * stderr, and each node's outcome is one `<node> | ok (exit 0, 0.12 s)` / `<node> | failed: exit 3
 * (…)` / `<node> | unreachable: <why>` line on the info or error stream (see bulk-command.ts).
 */
import type { BulkCommandResult, NodeCommandState } from '../../../shared/domain/command';
import type { Job, JobLogLine } from '../../../shared/domain/job';
import type { WireError } from '../../../shared/protocol';

export type CommandRowState = 'waiting' | 'running' | NodeCommandState;

export interface CommandRow {
  nodeId: string;
  name: string;
  state: CommandRowState;
  exitCode: number | null;
  durationMs: number | null;
  /** The output's tail: the result's when the job has ended, the log's lines so far before. */
  stdout: string;
  stderr: string;
  /** Why a node failed without an exit code, or was unreachable. */
  error: WireError | null;
}

/** Output lines kept per node and stream while the job runs (the result has the real tail). */
const LIVE_LINES = 40;

export function commandResultOf(job: Job | undefined): BulkCommandResult | null {
  const r = job?.result as Partial<BulkCommandResult> | null | undefined;
  return r && typeof r === 'object' && Array.isArray(r.results) ? (r as BulkCommandResult) : null;
}

const LINE = /^([A-Za-z0-9-]+) \| (.*)$/s;
interface Live {
  state: CommandRowState;
  exitCode: number | null;
  durationMs: number | null;
  out: string[];
  err: string[];
  error: WireError | null;
}

/** One outcome line's meaning: `ok (exit 0, 0.12 s)`, `failed: exit 3 (1.00 s)`, `unreachable: why`. */
export function parseOutcome(text: string): Pick<Live, 'state' | 'exitCode' | 'durationMs' | 'error'> | null {
  const ok = /^ok \(exit 0, ([\d.]+) s\)$/.exec(text);
  if (ok) return { state: 'ok', exitCode: 0, durationMs: Math.round(Number(ok[1]) * 1000), error: null };
  const exit = /^failed: exit (\d+) \(([\d.]+) s\)$/.exec(text);
  if (exit) return { state: 'failed', exitCode: Number(exit[1]), durationMs: Math.round(Number(exit[2]) * 1000), error: null };
  const other = /^(failed|unreachable|cancelled): (.*)$/s.exec(text);
  if (!other) return null;
  const state = other[1] as NodeCommandState;
  return { state, exitCode: null, durationMs: null, error: { code: state === 'cancelled' ? 'E_CANCELLED' : state === 'unreachable' ? 'E_SSH_UNREACHABLE' : 'E_COMMAND_FAILED', message: other[2]! } };
}

export function commandRows(nodes: readonly { id: string; name: string }[], lines: readonly JobLogLine[] | undefined, job: Job | undefined): CommandRow[] {
  const result = commandResultOf(job);
  if (result) {
    const byId = new Map(result.results.filter(Boolean).map((r) => [r.nodeId, r]));
    return nodes.map((n) => {
      const r = byId.get(n.id);
      if (!r) return { nodeId: n.id, name: n.name, state: 'cancelled', exitCode: null, durationMs: null, stdout: '', stderr: '', error: { code: 'E_CANCELLED', message: 'No result for this node.' } };
      return { nodeId: n.id, name: n.name, state: r.state, exitCode: r.exitCode, durationMs: r.durationMs, stdout: r.stdout, stderr: r.stderr, error: r.error };
    });
  }
  const live = new Map<string, Live>(nodes.map((n) => [n.name, { state: 'waiting', exitCode: null, durationMs: null, out: [], err: [], error: null }]));
  for (const l of lines ?? []) {
    const m = LINE.exec(l.line);
    const row = m ? live.get(m[1]!) : undefined;
    if (!m || !row) continue;
    const text = m[2]!;
    if (l.stream === 'stdout' || l.stream === 'stderr') {
      const buf = l.stream === 'stdout' ? row.out : row.err;
      buf.push(text);
      if (buf.length > LIVE_LINES) buf.shift();
      if (row.state === 'waiting') row.state = 'running';
    } else {
      const outcome = parseOutcome(text);
      if (outcome) Object.assign(row, outcome);
    }
  }
  const ended = job !== undefined && ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(job.state);
  return nodes.map((n) => {
    const r = live.get(n.name)!;
    // The job ended without a result (interrupted by a restart): nothing is still waiting.
    const state: CommandRowState = ended && (r.state === 'waiting' || r.state === 'running') ? 'cancelled' : r.state;
    const error = state !== r.state ? (job?.error ?? { code: 'E_CANCELLED', message: `The job was ${job?.state ?? 'stopped'}.` }) : r.error;
    return { nodeId: n.id, name: n.name, state, exitCode: r.exitCode, durationMs: r.durationMs, stdout: joinLines(r.out), stderr: joinLines(r.err), error };
  });
}

const joinLines = (lines: string[]) => (lines.length ? lines.join('\n') + '\n' : '');

export function countStates(rows: readonly CommandRow[]): Record<CommandRowState, number> {
  const counts: Record<CommandRowState, number> = { waiting: 0, running: 0, ok: 0, failed: 0, unreachable: 0, cancelled: 0 };
  for (const r of rows) counts[r.state]++;
  return counts;
}

/** The last non-empty line of some output, for a row's one-line preview. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
