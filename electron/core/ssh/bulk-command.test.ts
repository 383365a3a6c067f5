import { describe, expect, it } from 'vitest';
import { bulkCommandTitle, emptySummary, summaryLine } from './bulk-command';

describe('bulk command wording', () => {
  it('titles the job with the command and the node count (or the one node)', () => {
    const nodes = Array.from({ length: 20 }, (_, i) => ({ name: `r720-${i}` }));
    expect(bulkCommandTitle('uname -a', nodes)).toBe('Run "uname -a" on 20 nodes');
    expect(bulkCommandTitle('  uptime  ', [{ name: 'r720-01' }])).toBe('Run "uptime" on r720-01');
    expect(bulkCommandTitle('apt-get update\napt-get -y upgrade', nodes)).toBe('Run "apt-get update …" on 20 nodes');
    const long = bulkCommandTitle(`echo ${'x'.repeat(100)}`, nodes);
    expect(long).toBe(`Run "echo ${'x'.repeat(54)}…" on 20 nodes`);
  });

  it('summarises every state, zeros included, so the line reads the same every time', () => {
    expect(summaryLine({ ...emptySummary(), ok: 18, failed: 1, unreachable: 1 }, 20, 2345)).toBe('20 nodes: 18 ok, 1 failed, 1 unreachable, 0 cancelled (2.3 s)');
    expect(summaryLine({ ...emptySummary(), ok: 1 }, 1, 40)).toBe('1 node: 1 ok, 0 failed, 0 unreachable, 0 cancelled (0.0 s)');
  });
});
