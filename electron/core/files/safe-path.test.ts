import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-app';
import { resolveInside, safeSegments } from './safe-path';

describe('safe paths', () => {
  it('refuse escapes, encoded or not, and symlinks out of the root', () => {
    expect(safeSegments('/a/b')).toEqual(['a', 'b']);
    for (const p of ['/a/../b', '/%2e%2e/x', '/a%2fb', '/a%5cb', '/%00', '/%zz', '/']) expect([p, safeSegments(p)]).toEqual([p, null]);
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret'), 'x');
    mkdirSync(join(root, 'd'));
    writeFileSync(join(root, 'd', 'f'), 'y');
    symlinkSync(join(outside, 'secret'), join(root, 'd', 'link'));
    expect(resolveInside(root, '/d/f')).toMatch(/\/d\/f$/);
    expect(resolveInside(root, '/d/link')).toBeNull();
    expect(resolveInside(root, '/d')).toBeNull();
  });
});
