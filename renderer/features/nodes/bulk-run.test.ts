import { describe, expect, it } from 'vitest';
import { namesSummary, nodesLabel, parseTimeoutMinutes } from './bulk-run';

const named = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `n${i + 1}` }));

describe('bulk run wording', () => {
  it('lists a few names and counts the rest', () => {
    expect(namesSummary(named(1))).toBe('n1');
    expect(namesSummary(named(5))).toBe('n1, n2, n3, n4, n5');
    expect(namesSummary(named(12))).toBe('n1, n2, n3, n4 and 8 more');
  });

  it('counts nodes for buttons', () => {
    expect(nodesLabel(1)).toBe('1 node');
    expect(nodesLabel(12)).toBe('12 nodes');
    expect(nodesLabel(2000)).toBe('2,000 nodes');
  });

  it('reads a timeout in minutes within the contract’s bounds', () => {
    expect(parseTimeoutMinutes('10')).toEqual({ ms: 600_000 });
    expect(parseTimeoutMinutes(' 0.5 ')).toEqual({ ms: 30_000 });
    expect(parseTimeoutMinutes('1440')).toEqual({ ms: 86_400_000 });
    expect(parseTimeoutMinutes('1441')).toHaveProperty('error');
    expect(parseTimeoutMinutes('0')).toHaveProperty('error');
    expect(parseTimeoutMinutes('ten')).toHaveProperty('error');
  });
});
