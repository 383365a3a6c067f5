/**
 * Container steps shared by apply, down and per-service actions, idempotent where the engine is
 * not: stopping a stopped container or removing a removed one is success (the state we wanted),
 * so a retried or cancelled-then-repeated operation converges instead of failing.
 */
import type Docker from 'dockerode';
import { engineError, engineStatus } from './engine-errors';
import type { ContainerSpec } from './container-spec';

const ALREADY = new Set([304, 404]);

/** Stops with the given grace period (seconds; the container's own StopTimeout when undefined). */
export async function stopContainer(docker: Docker, id: string, label: string, graceSeconds?: number): Promise<void> {
  try {
    await docker.getContainer(id).stop(graceSeconds === undefined ? {} : { t: graceSeconds });
  } catch (err) {
    if (!ALREADY.has(engineStatus(err) ?? 0)) throw engineError(`stop ${label}`, err, 'Check the container on the node (docker inspect), then try again');
  }
}

export async function removeContainer(docker: Docker, id: string, label: string, opts: { volumes?: boolean } = {}): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: opts.volumes ?? false });
  } catch (err) {
    // 409 "removal already in progress" ends the same way.
    const status = engineStatus(err) ?? 0;
    if (status !== 404 && status !== 409) throw engineError(`remove ${label}`, err, 'Check the container on the node (docker inspect), then try again');
  }
}

export async function startContainer(docker: Docker, id: string, label: string): Promise<void> {
  try {
    await docker.getContainer(id).start();
  } catch (err) {
    if (engineStatus(err) !== 304)
      throw engineError(`start ${label}`, err, 'Check the service in the compose file (ports already in use, missing bind paths or devices) and apply again');
  }
}

/** Create, connect the extra networks, start; returns the new container's id. */
export async function createAndStart(docker: Docker, spec: ContainerSpec, service: string): Promise<string> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer(spec.options);
  } catch (err) {
    const hint =
      engineStatus(err) === 409
        ? `Another container is named ${spec.name}: remove or rename it on the node, or give the stack another name`
        : 'Check the service in the compose file and apply again';
    throw engineError(`create the container of service ${service}`, err, hint);
  }
  for (const net of spec.moreNetworks) {
    try {
      await docker.getNetwork(net.name).connect({ Container: container.id, EndpointConfig: net.endpoint });
    } catch (err) {
      throw engineError(`connect service ${service} to network ${net.name}`, err, 'Check the network on the node and apply again');
    }
  }
  await startContainer(docker, container.id, `service ${service}`);
  return container.id;
}
