/**
 * One-click rebuild (issue 7 §7): teardown → optional OS reinstall through PXE → wait for every
 * node's phone-home → provisioning (the base recipe) → bootstrap → re-apply the stacks stored for
 * the cluster's nodes. The record remembers the step reached, so a rebuild interrupted by an app
 * restart resumes from there when started again (each step is also idempotent on its own).
 */
import { REBUILD_STEPS, type Cluster, type RebuildProgress, type RebuildStep } from '../../../../shared/domain/cluster-record';
import type { Node } from '../../../../shared/domain/node';
import { recipeParamsSchema } from '../../../../shared/domain/recipe';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { abortError, sleep } from '../../abort';
import type { JobContext } from '../../jobs/jobs-service';
import { subContext } from '../../jobs/sub-context';
import { BUILTIN_RECIPES } from '../../recipes/builtins';
import { runRecipe } from '../../recipes/run-recipe';
import { targetFromNode } from '../../ssh/target';
import { runBootstrap } from '../bootstrap';
import type { ClusterJobScope } from '../clusters-service';
import { requireMembers, teardownOrder } from '../cluster-members';
import type { KubeNode } from '../remote';
import { renderCluster } from '../render/render-cluster';
import type { RebuildDeps } from './rebuild-deps';

export const REBUILD_PHASES = ['Teardown', 'Reinstall', 'Phone home', 'Provisioning', 'Bootstrap', 'Stacks'] as const;
const PHASE_OF: Record<Exclude<RebuildStep, 'done'>, (typeof REBUILD_PHASES)[number]> = {
  teardown: 'Teardown',
  reinstall: 'Reinstall',
  'phone-home': 'Phone home',
  provisioning: 'Provisioning',
  bootstrap: 'Bootstrap',
  stacks: 'Stacks',
};

export interface RebuildOptions {
  reinstall: boolean;
  reapplyStacks: boolean;
}

const POLL_MS = 2000;

export async function runRebuild(deps: RebuildDeps, scope: ClusterJobScope, options: RebuildOptions, ctx: JobContext): Promise<{ steps: RebuildStep[] }> {
  const name = scope.cluster.name;
  const resumeFrom = scope.cluster.rebuild && scope.cluster.rebuild.step !== 'done' ? scope.cluster.rebuild.step : 'teardown';
  const progress = (step: RebuildStep): RebuildProgress => ({
    startedAt: scope.cluster.rebuild?.startedAt ?? new Date().toISOString(),
    reinstall: options.reinstall,
    step,
    jobId: ctx.jobId,
  });
  const startedFrom = scope.cluster.state;
  scope.update({ state: 'rebuilding', rebuild: progress(resumeFrom) });
  if (resumeFrom !== 'teardown') ctx.log(`Resuming the rebuild of ${name} at "${PHASE_OF[resumeFrom as Exclude<RebuildStep, 'done'>]}": earlier steps finished in job ${scope.cluster.rebuild?.jobId ?? '?'}`);
  const done: RebuildStep[] = [];
  const steps = REBUILD_STEPS.filter((s): s is Exclude<RebuildStep, 'done'> => s !== 'done');
  for (const step of steps.slice(steps.indexOf(resumeFrom as Exclude<RebuildStep, 'done'>))) {
    if (ctx.signal.aborted) throw abortError();
    const index = REBUILD_PHASES.indexOf(PHASE_OF[step]);
    ctx.phase(PHASE_OF[step]);
    scope.update({ rebuild: progress(step) });
    const members = requireMembers(name, scope.cluster.spec, deps.lookup);
    const inner = subContext(ctx, PHASE_OF[step], index / REBUILD_PHASES.length, (index + 1) / REBUILD_PHASES.length);
    await STEP_BODIES[step](deps, { scope, members, options, ctx: inner, startedFrom });
    done.push(step);
  }
  scope.update({ state: 'ready', rebuild: progress('done') });
  return { steps: done };
}

interface StepInput {
  scope: ClusterJobScope;
  members: KubeNode[];
  options: RebuildOptions;
  ctx: JobContext;
  /** The cluster's state when this job started (before it said "rebuilding"). */
  startedFrom: Cluster['state'];
}

const STEP_BODIES: Record<Exclude<RebuildStep, 'done'>, (deps: RebuildDeps, input: StepInput) => Promise<void>> = {
  async teardown(deps, { scope, members, ctx, startedFrom }) {
    if (startedFrom === 'torn-down' || startedFrom === 'draft') {
      ctx.log(`Teardown skipped: ${scope.cluster.name} is ${startedFrom === 'draft' ? 'not built yet' : 'already torn down'}`);
      return;
    }
    const { wipe } = await deps.teardown(scope, teardownOrder(members), 'soft', ctx);
    const dirty = wipe.nodes.filter((n) => !n.clean);
    if (dirty.length > 0) ctx.log(`Left behind after teardown: ${dirty.map((n) => `${n.name} (${n.leftovers.map((l) => l.item).join(', ')})`).join('; ')}`, 'stderr');
    // Teardown marks the cluster torn down; it is still being rebuilt.
    scope.update({ state: 'rebuilding' });
  },

  async reinstall(deps, { members, options, ctx }) {
    if (!options.reinstall) return ctx.log('Reinstall skipped: the rebuild keeps the installed OS (kubeadm-level reset only)');
    for (const member of members) {
      if (ctx.signal.aborted) throw abortError();
      const node = deps.nodes.get(member.id);
      if (node.state === 'installing' || node.state === 'installed') {
        ctx.log(`${node.name}: install already armed or done, not armed again`);
        continue;
      }
      if (!node.profileId) {
        throw new RackpilotError(ErrorCode.Validation, `${node.name} has no boot profile to reinstall with: install it once from the Nodes page (which records its profile), or rebuild without reinstalling.`);
      }
      // The reboot must use the pins the node has now: arming the install forgets them.
      const before = targetFromNode(node);
      deps.requestInstall(node.id, node.profileId);
      ctx.log(`${node.name}: install of profile ${node.profileId} armed; rebooting it into the network boot`);
      await deps.reboot(node, before, ctx.signal);
    }
  },

  async 'phone-home'(deps, { members, options, ctx }) {
    if (!options.reinstall) return;
    const deadline = Date.now() + deps.installTimeoutMs();
    for (;;) {
      const waiting: Node[] = [];
      for (const m of members) {
        const node = deps.nodes.get(m.id);
        if (node.state === 'failed') throw new RackpilotError(ErrorCode.Internal, `The reinstall of ${node.name} failed: see its timeline on the Nodes page, fix it, then start the rebuild again to resume.`);
        if (node.state === 'installing') waiting.push(node);
      }
      ctx.progress((members.length - waiting.length) / Math.max(1, members.length));
      if (waiting.length === 0) return ctx.log('Every node phoned home');
      if (Date.now() > deadline) {
        throw new RackpilotError(ErrorCode.Timeout, `${waiting.map((n) => n.name).join(', ')} did not phone home in time: check their consoles (is PXE first in the boot order?), then start the rebuild again to resume.`);
      }
      await sleep(POLL_MS, ctx.signal);
    }
  },

  async provisioning(deps, { members, options, ctx }) {
    // Without a reinstall the OS and its provisioning are intact (kubeadm reset does not touch them);
    // the bootstrap's prerequisites phase still checks what Kubernetes needs.
    if (!options.reinstall) return ctx.log('Provisioning skipped: the OS was not reinstalled, so the base recipe\'s work is still in place');
    const params = recipeParamsSchema.parse({});
    const results = await Promise.all(
      members.map((m) =>
        runRecipe(BUILTIN_RECIPES.base, {
          ssh: deps.ssh,
          target: targetFromNode(deps.nodes.get(m.id)),
          params,
          checkOnly: false,
          signal: ctx.signal,
          log: (line, stream) => ctx.log(`${m.name}: ${line}`, stream),
          onStep: () => undefined,
        }),
      ),
    );
    const failed = results.filter((r) => r.summary.failed > 0);
    if (failed.length > 0) {
      const names = failed.map((r) => members.find((m) => m.id === r.nodeId)?.name ?? r.nodeId);
      const why = failed[0]?.steps.find((s) => s.status === 'failed')?.message ?? '';
      throw new RackpilotError(ErrorCode.Internal, `Provisioning failed on ${names.join(', ')}: ${why}. Fix it, then start the rebuild again to resume.`);
    }
  },

  async bootstrap(deps, { scope, members, ctx }) {
    const rendered = renderCluster(scope.cluster.spec, members);
    const result = await runBootstrap({ remote: deps.remote, ssh: deps.ssh }, { spec: scope.cluster.spec, nodes: members, rendered }, ctx);
    deps.saveKubeconfig(scope.cluster.name, result.adminKubeconfig);
    scope.update({ endpoint: result.endpoint });
  },

  async stacks(deps, { members, options, ctx }) {
    if (!options.reapplyStacks) return ctx.log('Stacks not re-applied (not asked)');
    for (const member of members) {
      for (const stack of deps.storedStacks(member.id)) {
        if (ctx.signal.aborted) throw abortError();
        ctx.log(`Re-applying stack ${stack} on ${member.name}`);
        const job = await deps.applyStack(member.id, stack);
        if (job.state !== 'succeeded') {
          throw new RackpilotError(ErrorCode.Internal, `Stack ${stack} on ${member.name} did not deploy (${job.error?.message ?? job.state}): open it on the Stacks page, then start the rebuild again to resume.`);
        }
      }
    }
  },
};

