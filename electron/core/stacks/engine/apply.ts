/**
 * Applying a compose project to an engine: plan again (refusing if the engine no longer matches
 * the plan the user saw), pull what is missing, create networks and volumes, remove orphans, then
 * bring each service to its planned state in depends_on order. Every step leaves labelled,
 * self-describing state behind, so a cancelled or failed apply is finished by applying again.
 */
import type Docker from 'dockerode';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { abortError, whenAborted } from '../../abort';
import type { ComposeProject } from '../compose/model';
import { removeContainer, stopContainer } from './container-ops';
import { convergeServices } from './converge-services';
import { observeProject } from './discover';
import { localImageIds, projectImages } from './images';
import { planStackDetailed, type PlanResult } from './planner';
import { pullImage, type PullProgress } from './pull';
import { createNetwork, createVolume } from './resources';

export const APPLY_PHASES = ['Planning', 'Pulling images', 'Networks and volumes', 'Removing orphans', 'Starting services'] as const;

export interface ApplyContext {
  signal: AbortSignal;
  log(line: string): void;
  phase(name: (typeof APPLY_PHASES)[number]): void;
  /** 0..1 over the whole apply. */
  progress(fraction: number): void;
  onPull(p: PullProgress): void;
  /** The planHash the user saw; apply refuses (E_CONFLICT) when the engine no longer matches it. */
  expectPlanHash?: string;
}

/** Pulls at once: enough to overlap registry round trips without starving a small node's link. */
const PULL_CONCURRENCY = 3;

/**
 * Pulls side by side. The first failure stops the other pulls (and the queue) before the apply
 * fails, so no pull goes on — nor reports progress — after its job has ended.
 */
async function pullAll(docker: Docker, refs: string[], ctx: ApplyContext): Promise<void> {
  const queue = [...refs];
  const stop = new AbortController();
  const unlink = whenAborted(ctx.signal, () => stop.abort());
  let done = 0;
  const worker = async () => {
    for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
      if (stop.signal.aborted) throw abortError();
      ctx.log(`pull ${ref}`);
      await pullImage(docker, ref, { signal: stop.signal, onProgress: ctx.onPull });
      ctx.log(`pulled ${ref}`);
      ctx.progress(0.05 + (0.45 * ++done) / refs.length);
    }
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(PULL_CONCURRENCY, refs.length) }, () =>
      worker().catch((err: unknown) => {
        stop.abort();
        throw err;
      }),
    ),
  );
  unlink();
  if (ctx.signal.aborted) throw abortError();
  // The failure that stopped the others, not the aborts it caused.
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const failed = rejected.find((r) => !(r.reason instanceof Error && r.reason.name === 'AbortError')) ?? rejected[0];
  if (failed) throw failed.reason;
}

function checkExternals(plan: PlanResult): void {
  const missing = plan.resources.find((r) => r.action === 'missing-external');
  if (!missing) return;
  const create = missing.kind === 'network' ? `docker network create ${missing.name}` : `docker volume create ${missing.name}`;
  throw new RackpilotError(
    ErrorCode.NotFound,
    `External ${missing.kind} ${missing.name} does not exist on the node. Create it there (${create}), or drop "external: true" so the stack creates it.`,
  );
}

/** Applies the project; resolves with the plan that was carried out. */
export async function applyStack(docker: Docker, project: ComposeProject, ctx: ApplyContext): Promise<PlanResult> {
  const check = () => {
    if (ctx.signal.aborted) throw abortError();
  };
  ctx.phase('Planning');
  const observed = await observeProject(docker, project.name, project);
  const refs = projectImages(project);
  let images = await localImageIds(docker, refs);
  let detailed = planStackDetailed(project, observed, images);
  if (ctx.expectPlanHash && ctx.expectPlanHash !== detailed.plan.planHash)
    throw new RackpilotError(
      ErrorCode.Conflict,
      `Stack ${project.name} changed on the node since the plan was made (or its files changed). Review the new plan, then apply again.`,
    );
  checkExternals(detailed.plan);
  if (detailed.plan.noop) {
    ctx.log('Nothing to change: every service is up to date.');
    ctx.progress(1);
    return detailed.plan;
  }
  check();
  ctx.progress(0.05);

  if (detailed.plan.pulls.length) {
    ctx.phase('Pulling images');
    await pullAll(docker, detailed.plan.pulls, ctx);
    images = await localImageIds(docker, refs);
    // What the pulled ids mean for each container (an unchanged digest keeps its container).
    detailed = planStackDetailed(project, observed, images);
  }
  check();

  ctx.phase('Networks and volumes');
  for (const r of detailed.plan.resources.filter((r) => r.action === 'create')) {
    check();
    ctx.log(`create ${r.kind} ${r.name}`);
    if (r.kind === 'network') {
      const [key, net] = Object.entries(project.networks).find(([, n]) => n.name === r.name)!;
      await createNetwork(docker, project.name, key, net);
    } else {
      const [key, vol] = Object.entries(project.volumes).find(([, v]) => v.name === r.name)!;
      await createVolume(docker, project.name, key, vol);
    }
  }
  ctx.progress(0.55);

  const removals = detailed.steps.filter((s) => s.action.action === 'remove-orphan');
  if (removals.length) {
    ctx.phase('Removing orphans');
    for (const step of removals) {
      check();
      ctx.log(`remove ${step.action.container} (${step.action.reasons.join('; ')})`);
      await stopContainer(docker, step.existing!.id, step.action.container);
      await removeContainer(docker, step.existing!.id, step.action.container);
    }
  }
  ctx.progress(0.6);

  ctx.phase('Starting services');
  const serviceSteps = detailed.steps.filter((s) => s.action.action !== 'remove-orphan');
  let done = 0;
  await convergeServices({
    docker,
    project,
    steps: serviceSteps,
    imageIds: images,
    signal: ctx.signal,
    log: ctx.log,
    stepDone: () => ctx.progress(0.6 + (0.4 * ++done) / Math.max(1, serviceSteps.length)),
  });
  ctx.progress(1);
  return detailed.plan;
}
