/**
 * Start, stop or restart one service's containers, found by labels (so it works for stacks docker
 * compose started). Stop and restart honour the service's stop_grace_period when the project is
 * known, like `docker compose stop`.
 */
import type Docker from 'dockerode';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { abortError } from '../../abort';
import type { ComposeProject } from '../compose/model';
import { startContainer, stopContainer } from './container-ops';
import { engineError } from './engine-errors';
import { Label } from './labels';

export type ServiceAction = 'start' | 'stop' | 'restart';

/** `project` is the stack's name, or its loaded project (for stop_grace_period). */
export async function serviceAction(
  docker: Docker,
  project: ComposeProject | string,
  service: string,
  action: ServiceAction,
  signal?: AbortSignal,
): Promise<number> {
  const name = typeof project === 'string' ? project : project.name;
  const grace = typeof project === 'string' ? undefined : (project.services[service]?.stopGracePeriodSeconds ?? undefined);
  let containers: Docker.ContainerInfo[];
  try {
    containers = await docker.listContainers({
      all: true,
      filters: { label: [`${Label.project}=${name}`, `${Label.service}=${service}`, `${Label.oneoff}=False`] },
    });
  } catch (err) {
    throw engineError(`list the containers of service ${service}`, err, 'Check that the Docker Engine on the node is running');
  }
  if (!containers.length)
    throw new RackpilotError(ErrorCode.NotFound, `Service ${service} of stack ${name} has no container on the node. Apply the stack to create it.`);
  for (const c of containers) {
    if (signal?.aborted) throw abortError();
    const label = `service ${service} (${(c.Names[0] ?? c.Id).replace(/^\//, '')})`;
    if (action !== 'start') await stopContainer(docker, c.Id, label, grace);
    if (action !== 'stop') await startContainer(docker, c.Id, label);
  }
  return containers.length;
}
