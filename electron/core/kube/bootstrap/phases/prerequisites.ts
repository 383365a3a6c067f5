/**
 * Prerequisites: the builtin `k8s-prereqs` recipe (swap off, kernel modules, sysctls, containerd)
 * on every node at once. The recipe checks each of its steps itself; a check-mode pass first
 * tells whether anything is left to do, so a finished node is reported as skipped.
 */
import type { RecipeRunResult } from '../../../../../shared/domain/recipe';
import { RackpilotError } from '../../../../../shared/errors';
import { BUILTIN_RECIPES } from '../../../recipes/builtins';
import { runRecipe } from '../../../recipes/run-recipe';
import { BOOTSTRAP_FAILED } from '../node-shell';
import { done, pending, type Check, type Phase } from '../phase-runner';
import type { BootstrapRun, Member } from '../types';

const RECIPE = BUILTIN_RECIPES['k8s-prereqs'];

async function recipe(b: BootstrapRun, m: Member, checkOnly: boolean): Promise<RecipeRunResult> {
  return runRecipe(RECIPE, {
    ssh: b.deps.ssh,
    target: m.node.target,
    params: { timezone: 'UTC', packages: [], unattendedUpgrades: false },
    checkOnly,
    signal: b.signal,
    // Check mode only reports; the real run's step lines belong in the log.
    log: checkOnly ? () => undefined : (line, stream) => b.log(`${m.node.name}: ${line}`, stream),
    onStep: () => undefined,
  });
}

function verdict(result: RecipeRunResult): Check {
  const open = result.steps.find((s) => s.status !== 'ok' && s.status !== 'changed');
  if (open) return pending(`step "${open.title}" is ${open.status}${open.message ? `: ${open.message}` : ''}`);
  const changed = result.steps.filter((s) => s.status === 'changed').map((s) => s.title.toLowerCase());
  return done(changed.length > 0 ? `${RECIPE.title.toLowerCase()} in place (changed: ${changed.join(', ')})` : `${RECIPE.title.toLowerCase()} in place`);
}

export const prerequisitesPhase: Phase = {
  name: 'Prerequisites',
  parallel: true,
  units: (b) =>
    b.members.map((m) => ({
      where: m.node.name,
      async check() {
        const result = await recipe(b, m, true);
        const v = verdict(result);
        if (!v.done) return v;
        const open = result.steps.filter((s) => s.status === 'changed').map((s) => s.title.toLowerCase());
        return open.length > 0 ? pending(`to do: ${open.join(', ')}`) : v;
      },
      // The recipe re-checks every step it changed: its result is the verification.
      async apply() {
        const result = await recipe(b, m, false);
        const failed = result.steps.find((s) => s.status === 'failed');
        if (failed) {
          throw new RackpilotError(
            BOOTSTRAP_FAILED,
            `Node prerequisites failed on ${m.node.name} at "${failed.title}": ${failed.message ?? 'no message'}. Fix that on the node (the job log has the step's output), then run the bootstrap again.`,
          );
        }
        return verdict(result);
      },
    })),
};
