import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_FILE, CONSOLE_ROTATED, ConsoleLog, readConsoleTail } from './console-log';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('console log', () => {
  it('keeps at most two capped files however much the node prints, and the tail reads across both', () => {
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    const log = new ConsoleLog(dir, 1000);
    for (let i = 0; i < 500; i++) log.write(`line ${String(i).padStart(4, '0')}\n`);
    log.close();
    expect(statSync(join(dir, CONSOLE_FILE)).size).toBeLessThanOrEqual(1000);
    expect(statSync(join(dir, CONSOLE_ROTATED)).size).toBeLessThanOrEqual(1000);
    const tail = readConsoleTail(dir, 1500);
    expect(tail.text.length).toBe(1500);
    expect(tail.text.endsWith('line 0499\n')).toBe(true);
    expect(tail.truncated).toBe(true);
    // Continuous across the rotation: the lines before the current file's first are there in order.
    const numbers = [...tail.text.matchAll(/line (\d{4})/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] ?? 0) + i));
  });

  it('appends across runs and keeps only the end of a single oversized chunk', () => {
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    const first = new ConsoleLog(dir, 100);
    first.write('run 1\n');
    first.close();
    const second = new ConsoleLog(dir, 100);
    second.write('run 2\n');
    expect(readFileSync(join(dir, CONSOLE_FILE), 'utf8')).toBe('run 1\nrun 2\n');
    second.write(Buffer.from('a'.repeat(250) + 'END'));
    second.close();
    expect(readFileSync(join(dir, CONSOLE_FILE), 'utf8')).toBe('a'.repeat(97) + 'END');
    expect(readFileSync(join(dir, CONSOLE_ROTATED), 'utf8')).toBe('run 1\nrun 2\n');
  });

  it('reads an empty or missing console as empty', () => {
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    expect(readConsoleTail(dir, 100)).toEqual({ text: '', size: 0, truncated: false });
  });
});
