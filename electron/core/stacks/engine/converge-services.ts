/**
 * Bringing each service to its planned state in depends_on order. Every service runs as soon as
 * the services it depends on meet their conditions, so independent services start side by side
 * (as docker compose does) while a chain waits link by link. A failed service fails its
 * dependents without touching them; Cancel is checked before each service's step.
 */
import type Docker from 'dockerode';
import { abortError } from '../../abort';
import type { ComposeProject } from '../compose/model';
import { waitForCondition } from './conditions';
import { createAndStart, removeContainer, startContainer, stopContainer } from './container-ops';
import { containerSpec } from './container-spec';
import { RackpilotError } from '../../../../shared/errors';
import { EngineErrorCode } from './engine-errors';
import type { PlanStep } from './planner';
import { dependenciesOf } from './topo';

export interface ConvergeOptions {
  docker: Docker;
  project: ComposeProject;
  /** One step per service (create, recreate, start, keep). */
  steps: PlanStep[];
  /** ref → image id, every service's image present. */
  imageIds: Map<string, string>;
  signal: AbortSignal;
  log(line: string): void;
  /** Called after each service's step, for progress. */
  stepDone(): void;
}

async function convergeOne(o: ConvergeOptions, step: PlanStep): Promise<string> {
  const { docker, project } = o;
  const name = step.action.service;
  const service = project.services[name]!;
  const existing = step.existing;
  if (step.action.action === 'keep' && existing) return existing.id;
  if (step.action.action === 'start' && existing) {
    o.log(`${name}: start ${existing.name}`);
    await startContainer(docker, existing.id, `service ${name}`);
    return existing.id;
  }
  const imageId = o.imageIds.get(service.image);
  if (!imageId)
    throw new RackpilotError(EngineErrorCode.ImagePull, `Image ${service.image} of service ${name} is not on the node after pulling. Check the image name and apply again.`);
  if (existing) {
    o.log(`${name}: recreate ${existing.name} (${step.action.reasons.join('; ')})`);
    await stopContainer(docker, existing.id, `service ${name}`, service.stopGracePeriodSeconds ?? undefined);
    await removeContainer(docker, existing.id, `service ${name}`);
  } else {
    o.log(`${name}: create`);
  }
  return createAndStart(docker, containerSpec(project, service, imageId, existing?.anonymousVolumes), name);
}

export async function convergeServices(o: ConvergeOptions): Promise<void> {
  const steps = new Map(o.steps.map((s) => [s.action.service, s]));
  const tasks = new Map<string, Promise<string>>();

  const run = (name: string): Promise<string> => {
    let task = tasks.get(name);
    if (task) return task;
    task = (async () => {
      const service = o.project.services[name]!;
      for (const dep of dependenciesOf(o.project, name)) {
        const depId = await run(dep);
        const condition = service.dependsOn[dep]!.condition;
        if (condition !== 'service_started') o.log(`${name}: waiting for ${dep} (${condition})`);
        await waitForCondition(o.docker, depId, dep, condition, o.signal);
      }
      if (o.signal.aborted) throw abortError();
      const id = await convergeOne(o, steps.get(name)!);
      o.stepDone();
      return id;
    })();
    tasks.set(name, task);
    return task;
  };

  const order = o.steps.map((s) => s.action.service);
  const results = await Promise.allSettled(order.map(run));
  if (o.signal.aborted) throw abortError();
  // Start order puts a root cause before the dependents that failed because of it.
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
