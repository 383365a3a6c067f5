import { describe, expect, it } from 'vitest';
import { inputChunks } from './input-chunks';

describe('inputChunks', () => {
  it('passes keystrokes through as one call', () => {
    expect(inputChunks('ls -l\r')).toEqual(['ls -l\r']);
    expect(inputChunks('')).toEqual([]);
  });

  it('cuts a long paste into bounded pieces that join back to it', () => {
    const paste = 'x'.repeat(10_001);
    const chunks = inputChunks(paste, 1000);
    expect(chunks).toHaveLength(11);
    expect(chunks.every((c) => c.length <= 1000)).toBe(true);
    expect(chunks.join('')).toBe(paste);
  });

  it('never splits a surrogate pair', () => {
    const paste = 'a' + '😀'.repeat(20);
    const chunks = inputChunks(paste, 4);
    expect(chunks.join('')).toBe(paste);
    for (const c of chunks) expect(c).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});
