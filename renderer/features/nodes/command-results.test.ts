import { describe, expect, it } from 'vitest';
import type { BulkCommandResult } from '../../../shared/domain/command';
import type { Job, JobLogLine } from '../../../shared/domain/job';
import { commandResultOf, commandRows, countStates, lastLine, parseOutcome } from './command-results';

const nodes = [
  { id: '1', name: 'web-01' },
  { id: '2', name: 'web-02' },
  { id: '3', name: 'dead-01' },
];
let seq = 0;
const line = (stream: JobLogLine['stream'], text: string): JobLogLine => ({ jobId: 'j', seq: ++seq, ts: '', stream, line: text });
const job = (state: Job['state'], result: unknown = null) => ({ id: 'j', state, result, error: null }) as Job;

describe('bulk command rows', () => {
  it('reads the outcome lines the core logs', () => {
    expect(parseOutcome('ok (exit 0, 0.12 s)')).toEqual({ state: 'ok', exitCode: 0, durationMs: 120, error: null });
    expect(parseOutcome('failed: exit 3 (1.50 s)')).toEqual({ state: 'failed', exitCode: 3, durationMs: 1500, error: null });
    expect(parseOutcome('unreachable: Connection refused by 127.0.0.1:1')).toMatchObject({ state: 'unreachable', exitCode: null, error: { message: 'Connection refused by 127.0.0.1:1' } });
    expect(parseOutcome('cancelled: Not run')).toMatchObject({ state: 'cancelled' });
    expect(parseOutcome('something else')).toBeNull();
  });

  it('follows a running job from its log: output, then each node’s outcome', () => {
    const lines = [
      line('info', 'connected'),
      line('stdout', 'web-01 | hi-web-01'),
      line('stderr', 'web-02 | warning: something'),
      line('info', 'web-01 | ok (exit 0, 0.05 s)'),
      line('error', 'dead-01 | unreachable: Connection refused'),
      // An output line that merely looks like an outcome does not count.
      line('stdout', 'web-02 | ok (exit 0, 1.00 s)'),
      line('stdout', 'stranger | hello'),
    ];
    const rows = commandRows(nodes, lines, job('running'));
    expect(rows.map((r) => `${r.name}:${r.state}`)).toEqual(['web-01:ok', 'web-02:running', 'dead-01:unreachable']);
    expect(rows[0]).toMatchObject({ exitCode: 0, stdout: 'hi-web-01\n', durationMs: 50 });
    expect(rows[1]?.stderr).toBe('warning: something\n');
    expect(rows[2]?.error?.message).toBe('Connection refused');
    expect(countStates(rows)).toMatchObject({ ok: 1, running: 1, unreachable: 1, waiting: 0 });
    expect(commandRows(nodes, undefined, job('queued')).map((r) => r.state)).toEqual(['waiting', 'waiting', 'waiting']);
  });

  it('uses the result once the job has one, in the selection’s order', () => {
    const result: BulkCommandResult = {
      command: 'echo hi',
      summary: { ok: 1, failed: 1, unreachable: 0, cancelled: 0 },
      results: [
        { nodeId: '2', name: 'web-02', state: 'failed', exitCode: 2, stdout: '', stderr: 'boom\n', durationMs: 10, error: null },
        { nodeId: '1', name: 'web-01', state: 'ok', exitCode: 0, stdout: 'hi\n', stderr: '', durationMs: 12, error: null },
      ],
    };
    const done = job('succeeded', result);
    expect(commandResultOf(done)).toBe(result);
    const rows = commandRows(nodes, [], done);
    expect(rows.map((r) => `${r.name}:${r.state}:${r.exitCode}`)).toEqual(['web-01:ok:0', 'web-02:failed:2', 'dead-01:cancelled:null']);
  });

  it('settles nodes still waiting when the job ended without a result', () => {
    const rows = commandRows(nodes, [line('info', 'web-01 | ok (exit 0, 0.05 s)')], job('interrupted'));
    expect(rows.map((r) => r.state)).toEqual(['ok', 'cancelled', 'cancelled']);
    expect(rows[1]?.error?.message).toMatch(/interrupted/);
  });

  it('previews the last non-empty line of output', () => {
    expect(lastLine('a\nb\n\n')).toBe('b');
    expect(lastLine('')).toBe('');
  });
});
