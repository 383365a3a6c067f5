/**
 * Every built-in step's scripts parse in dash (Debian's /bin/sh, what runs them on nodes), for
 * both a root and a non-root admin and with odd but valid parameters. Running them for real is
 * the lab tier's job (builtins.lab.test.ts on a virtual node).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recipeParamsSchema, runRecipeInput } from '../../../../shared/domain/recipe';
import type { StepContext } from '../recipe';
import { BUILTIN_RECIPES } from './index';

const contexts: StepContext[] = [
  { nodeName: 'r720-01', adminUser: 'rackpilot', params: recipeParamsSchema.parse({}), os: { id: 'debian', like: [], versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' } },
  {
    nodeName: 'n1',
    adminUser: 'root',
    params: recipeParamsSchema.parse({ timezone: 'America/Argentina/Buenos_Aires', packages: ['htop', 'g++', 'libc6-dev'], unattendedUpgrades: false }),
    os: { id: 'ubuntu', like: ['debian'], versionId: '24.04', prettyName: 'Ubuntu 24.04 LTS' },
  },
];

describe('built-in recipes', () => {
  for (const recipe of Object.values(BUILTIN_RECIPES)) {
    it(`${recipe.id}: every script parses in dash`, () => {
      for (const ctx of contexts) {
        for (const step of recipe.steps) {
          for (const [kind, make] of [['check', step.check], ['apply', step.apply]] as const) {
            if (!make) continue;
            const r = spawnSync('dash', ['-n'], { input: make(ctx) });
            expect(r.stderr.toString(), `${recipe.id}/${step.id} ${kind}`).toBe('');
            expect(r.status, `${recipe.id}/${step.id} ${kind}`).toBe(0);
          }
        }
      }
    });

    it(`${recipe.id}: supports Debian and Ubuntu, refuses others with the OS name`, () => {
      expect(recipe.unsupported?.(contexts[0]!.os)).toBeNull();
      expect(recipe.unsupported?.(contexts[1]!.os)).toBeNull();
      expect(recipe.unsupported?.({ id: 'fedora', like: [], versionId: '40', prettyName: 'Fedora Linux 40' })).toMatch(/Fedora Linux 40/);
    });
  }

  it('step ids are unique within a recipe', () => {
    for (const recipe of Object.values(BUILTIN_RECIPES)) expect(new Set(recipe.steps.map((s) => s.id)).size).toBe(recipe.steps.length);
  });

  it('parameters refuse what could smuggle shell into a script', () => {
    expect(recipeParamsSchema.safeParse({ timezone: 'UTC; rm -rf /' }).success).toBe(false);
    expect(recipeParamsSchema.safeParse({ packages: ['htop$(reboot)'] }).success).toBe(false);
    expect(recipeParamsSchema.safeParse({ packages: ['--force-yes'] }).success).toBe(false);
    expect(runRecipeInput.safeParse({ ids: [randomUUID()], recipe: 'nope' }).success).toBe(false);
    expect(runRecipeInput.safeParse({ ids: [randomUUID()], recipe: 'base' }).success).toBe(true);
  });
});
