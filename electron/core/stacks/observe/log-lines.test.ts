import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StackLogLine } from '../../../../shared/domain/stack';
import { FrameDemuxer, LineBatcher, LineSplitter } from './log-lines';

function frame(kind: number, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect(timestamps = false) {
  const lines: StackLogLine[] = [];
  const splitter = new LineSplitter({ service: 'web', container: 'p-web-1', timestamps }, (l) => lines.push(l));
  const demux = new FrameDemuxer((s, p) => splitter.push(s, p));
  return { lines, splitter, demux };
}

describe('log lines', () => {
  it('demuxes frames split at every byte and keeps stdout and stderr apart', () => {
    const { lines, splitter, demux } = collect();
    const bytes = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err 1\n'), frame(1, 'o\n'), frame(2, 'tail without newline')]);
    for (let i = 0; i < bytes.length; i++) demux.push(bytes.subarray(i, i + 1));
    splitter.end();
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'one'],
      ['stderr', 'err 1'],
      ['stdout', 'two'],
      ['stderr', 'tail without newline'],
    ]);
  });

  it('reassembles a UTF-8 character split across frames', () => {
    const { lines, splitter, demux } = collect();
    const snow = Buffer.from('snow ☃\n');
    demux.push(Buffer.concat([frame(1, snow.subarray(0, 6)), frame(1, snow.subarray(6))]));
    splitter.end();
    expect(lines.map((l) => l.text)).toEqual(['snow ☃']);
  });

  it('splits off Docker timestamps and a TTY carriage return', () => {
    const { lines, splitter } = collect(true);
    splitter.push('stdout', Buffer.from('2024-05-01T10:00:00.123456789Z hello world\r\nno stamp\n'));
    expect(lines.map((l) => [l.time, l.text])).toEqual([
      ['2024-05-01T10:00:00.123456789Z', 'hello world'],
      [null, 'no stamp'],
    ]);
  });
});

describe('LineBatcher', () => {
  afterEach(() => vi.useRealTimers());

  it('batches by time and by count', () => {
    vi.useFakeTimers();
    const batches: number[] = [];
    const b = new LineBatcher((l) => batches.push(l.length), 100, 3);
    const line: StackLogLine = { service: 's', container: 'c', stream: 'stdout', time: null, text: 'x' };
    b.push(line);
    b.push(line);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(batches).toEqual([2]);
    for (let i = 0; i < 7; i++) b.push(line);
    expect(batches).toEqual([2, 3, 3]);
    b.flush();
    expect(batches).toEqual([2, 3, 3, 1]);
    b.push(line);
    b.discard();
    vi.advanceTimersByTime(1000);
    expect(batches).toEqual([2, 3, 3, 1]);
  });
});
