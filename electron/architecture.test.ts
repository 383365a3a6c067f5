/**
 * DESIGN §1 as tests: the core runs under plain Node (never imports electron), shared/ is plain
 * data, and the lint rule that enforces both is really configured.
 */
import { ESLint } from 'eslint';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|require\(|import\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('architecture', () => {
  it('electron/core never imports electron', () => {
    const offenders = sources(join(ROOT, 'electron/core')).filter((f) => importsOf(f).includes('electron'));
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('shared/ imports nothing from Node, Electron or the DOM side', () => {
    const offenders = sources(join(ROOT, 'shared')).flatMap((f) =>
      importsOf(f)
        .filter((m) => m !== undefined && (m === 'electron' || m.startsWith('node:') || (!m.startsWith('.') && m !== 'zod')))
        .map((m) => `${relative(ROOT, f)} imports ${m}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the lint rule rejects an electron import in the core', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const [result] = await eslint.lintText("import { app } from 'electron';\nexport const x = app;\n", {
      filePath: join(ROOT, 'electron/core/example.ts'),
    });
    expect(result?.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
  });
});
