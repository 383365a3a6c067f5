import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AckWindow } from './ack-window';
import { frameEnd, OutputPump } from './output-pump';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function pump(opts: { limit?: number; frameChars?: number } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const frames: string[] = [];
  const window = new AckWindow(opts.limit);
  const p = new OutputPump([stdout, stderr], { window, send: (t) => frames.push(t), frameChars: opts.frameChars ?? 8, flushMs: 5 });
  p.start();
  return { stdout, stderr, frames, window, pump: p };
}

describe('OutputPump', () => {
  it('gathers small packets into one frame', async () => {
    const { stdout, frames } = pump({ frameChars: 1024 });
    for (const c of 'hello') stdout.write(c);
    await tick(20);
    expect(frames).toEqual(['hello']);
  });

  it('keeps a UTF-8 character whole when its bytes arrive in two packets', async () => {
    const { stdout, frames } = pump({ frameChars: 1024 });
    const euro = Buffer.from('€', 'utf8');
    stdout.write(euro.subarray(0, 1));
    stdout.write(euro.subarray(1));
    await tick(20);
    expect(frames.join('')).toBe('€');
  });

  it('sends up to the window plus one frame, then pauses until acked', async () => {
    const { stdout, frames, window, pump: p } = pump({ limit: 16, frameChars: 8 });
    stdout.write('a'.repeat(40));
    await tick(20);
    // 8 + 8 = 16 is still within the window; the third frame takes it past and reading stops.
    expect(frames).toEqual(['aaaaaaaa', 'aaaaaaaa', 'aaaaaaaa']);
    expect(stdout.isPaused()).toBe(true);
    p.ack(window.inFlight);
    await tick(20);
    expect(frames.join('')).toBe('a'.repeat(40));
    expect(stdout.isPaused()).toBe(false);
  });

  it('passes stderr through too', async () => {
    const { stderr, frames } = pump({ frameChars: 1024 });
    stderr.write('oops');
    await tick(20);
    expect(frames).toEqual(['oops']);
  });
});

describe('frameEnd', () => {
  it('never cuts between the halves of a surrogate pair', () => {
    expect(frameEnd('ab😀', 3)).toBe(2);
    expect(frameEnd('abc😀', 3)).toBe(3);
    expect(frameEnd('ab', 3)).toBe(2);
  });
});
