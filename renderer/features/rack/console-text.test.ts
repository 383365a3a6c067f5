import { describe, expect, it } from 'vitest';
import { consoleTail, stripAnsi } from './console-text';

describe('stripAnsi', () => {
  it('removes colour, cursor and screen escapes that SeaBIOS and iPXE print', () => {
    const raw = '\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2J\x1b[01;01HSeaBIOS (version 1.16)\r\n\x1b[0m\x1b[1;34miPXE\x1b[0m -- Open Source\x1b[K\r\n';
    expect(stripAnsi(raw)).toBe('SeaBIOS (version 1.16)\niPXE -- Open Source\n');
  });

  it('removes the terminal reset and squeezes the blank lines screen clears leave', () => {
    expect(stripAnsi('\x1bcSeaBIOS\n\n\n\n\niPXE\n')).toBe('SeaBIOS\n\niPXE\n');
  });

  it('removes OSC titles and charset selections', () => {
    expect(stripAnsi('\x1b]0;title\x07a\x1b(Bb\x1b]2;t\x1b\\c')).toBe('abc');
  });

  it('keeps what a carriage return leaves on the line, as a terminal would', () => {
    expect(stripAnsi('Progress 10%\rProgress 50%\rProgress 100%\nnext')).toBe('Progress 100%\nnext');
    expect(stripAnsi('ok\r\r\n')).toBe('ok\n');
    expect(stripAnsi('done\r')).toBe('done');
  });

  it('drops other control characters but keeps tabs', () => {
    expect(stripAnsi('a\x00b\x07c\td\x7f')).toBe('abc\td');
  });
});

describe('consoleTail', () => {
  it('keeps the last lines only and says it cut', () => {
    const raw = Array.from({ length: 250 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const tail = consoleTail(raw, false, 200);
    expect(tail.cut).toBe(true);
    const lines = tail.text.split('\n');
    expect(lines).toHaveLength(200);
    expect(lines[0]).toBe('line 51');
    expect(lines[199]).toBe('line 250');
  });

  it('leaves a short console as it is', () => {
    expect(consoleTail('a\nb\n', false)).toEqual({ text: 'a\nb', cut: false });
  });

  it('drops the first, partial line when older output was cut off (even half an escape)', () => {
    expect(consoleTail('[1;34mtail of a line\nwhole line\n', true)).toEqual({ text: 'whole line', cut: true });
    expect(consoleTail('no newline at all', true)).toEqual({ text: '', cut: true });
  });
});
