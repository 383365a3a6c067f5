import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLabCatalog } from './load-catalog';

const catalog = join(__dirname, 'fixtures', 'catalog');
const roots = [
  { dir: join(catalog, 'built-in'), source: 'built-in' as const },
  { dir: join(catalog, 'user'), source: 'user' as const },
];

describe('loadLabCatalog', () => {
  const loaded = loadLabCatalog(roots);
  const brokenByFolder = new Map(loaded.broken.map((b) => [b.folder, b]));

  it('lists the labs that load, sorted by order then id, skipping hidden folders and files', () => {
    expect(loaded.labs.map((l) => [l.manifest.id, l.source])).toEqual([
      ['beta', 'built-in'],
      ['omega', 'built-in'],
      ['alpha', 'built-in'],
      ['mine', 'user'],
    ]);
    expect([...brokenByFolder.keys()].sort()).toEqual(
      [join(catalog, 'built-in', 'delta'), join(catalog, 'built-in', 'gamma'), join(catalog, 'user', 'alpha'), join(catalog, 'user', 'broken-one'), join(catalog, 'user', 'needs-broken')].sort(),
    );
  });

  it('reports a user lab whose id a built-in lab already has, at its id', () => {
    expect(brokenByFolder.get(join(catalog, 'user', 'alpha'))).toEqual({
      folder: join(catalog, 'user', 'alpha'),
      source: 'user',
      issues: [{ file: 'lab.yaml', line: 1, column: 5, message: 'id "alpha" is taken by a built-in lab: rename this folder and its id to something else' }],
    });
  });

  it('reports prerequisites that name no lab, or a broken one, and breaks the labs that need those in turn', () => {
    expect(brokenByFolder.get(join(catalog, 'built-in', 'gamma'))?.issues).toEqual([
      { file: 'lab.yaml', line: 6, column: 17, message: 'prerequisite "no-such-lab" is not a lab that loaded: no lab has the id "no-such-lab": use the id (folder name) of an existing lab, or remove it' },
    ]);
    expect(brokenByFolder.get(join(catalog, 'built-in', 'delta'))?.issues).toEqual([
      { file: 'lab.yaml', line: 6, column: 17, message: 'prerequisite "gamma" is not a lab that loaded: the lab "gamma" has problems of its own: fix it first (it is listed as broken)' },
    ]);
    expect(brokenByFolder.get(join(catalog, 'user', 'needs-broken'))?.issues[0]?.message).toMatch(/^prerequisite "broken-one" is not a lab that loaded: the lab "broken-one" has problems of its own/);
    expect(brokenByFolder.get(join(catalog, 'user', 'broken-one'))).toMatchObject({ source: 'user', issues: [{ file: 'lab.yaml', line: 2, column: 1 }] });
  });

  it('treats a missing root as holding no labs', () => {
    expect(loadLabCatalog([{ dir: join(catalog, 'no-such-root'), source: 'user' }])).toEqual({ labs: [], broken: [] });
  });

  describe('with symlinks', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'rackpilot-labs-'));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('follows a link to a lab folder and ignores a dangling one', () => {
      symlinkSync(join(catalog, 'built-in', 'omega'), join(tmp, 'omega'));
      symlinkSync(join(tmp, 'nowhere'), join(tmp, 'dangling'));
      const r = loadLabCatalog([{ dir: tmp, source: 'user' }]);
      expect(r.labs.map((l) => [l.manifest.id, l.dir])).toEqual([['omega', join(tmp, 'omega')]]);
      expect(r.broken).toEqual([]);
    });
  });
});
