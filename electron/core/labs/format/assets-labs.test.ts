/**
 * Every lab shipped in assets/labs loads with no problem. Contributors add labs there without
 * code, so this is the test that catches a typo in a check before a learner meets it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillCheck, fillPlaceholders, type PlaceholderValues } from './placeholders';
import { loadLabCatalog } from './load-catalog';

const labsDir = join(__dirname, '..', '..', '..', '..', 'assets', 'labs');
const folders = existsSync(labsDir) ? readdirSync(labsDir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')) : [];

describe('assets/labs', () => {
  const { labs, broken } = loadLabCatalog([{ dir: labsDir, source: 'built-in' }]);

  it('has no broken lab', () => {
    const report = broken.flatMap((b) => b.issues.map((i) => `${b.folder}/${i.file}:${i.line}:${i.column} ${i.message}`));
    expect(report).toEqual([]);
    expect(labs.map((l) => l.manifest.id).sort()).toEqual(folders.map((f) => f.name).sort());
  });

  it('gives every lab at least one step, each with text for the learner', () => {
    for (const lab of labs) {
      expect(lab.source).toBe('built-in');
      expect(lab.steps.length, lab.manifest.id).toBeGreaterThanOrEqual(1);
      for (const step of lab.steps) expect(step.body.trim(), `${lab.manifest.id}/${step.file}`).not.toBe('');
    }
  });

  it('leaves no placeholder unfilled once every role has a node', () => {
    for (const lab of labs) {
      const v: PlaceholderValues = {
        nodes: Object.fromEntries(lab.manifest.nodes.map((n) => [n.role, { name: `${n.role}-node`, address: '10.78.0.9', user: 'learner' }])),
        hostAddress: '10.78.0.1',
        registry: '10.78.0.1:5000',
      };
      const texts = [lab.manifest.realHardware, ...lab.steps.flatMap((s) => [s.body, s.solution ?? '', ...s.checks.map((c) => JSON.stringify(fillCheck(c, v)))])];
      for (const text of texts) expect(fillPlaceholders(text, v), lab.manifest.id).not.toMatch(/\{\{\s*(nodes|host|lab)\.|‹/);
    }
  });
});
