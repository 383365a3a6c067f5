/**
 * Container steps shared by apply, down and per-service actions, idempotent where the engine is
 * not: stopping a stopped container or removing a removed one is success (the state we wanted),
 * so a retried or cancelled-then-repeated operation converges instead of failing.
 */
import type Docker from 'dockerode';
import { RackpilotError } from '../../../../shared/errors';
import { EngineErrorCode, engineError, engineMessage, engineStatus } from './engine-errors';
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
    if (engineStatus(err) === 304) return;
    throw portInUse(label, engineMessage(err)) ?? engineError(`start ${label}`, err, 'Check the service in the compose file (ports already in use, missing bind paths or devices) and apply again');
  }
}

/**
 * The engine's words for a taken host port bury the port in endpoint ids; say which port and
 * what to do. "address already in use": a program holds it; "already allocated": a container.
 */
export function portInUse(label: string, message: string): RackpilotError | null {
  const program = /listen (tcp|udp)[46]? (\S+):(\d+): bind: address already in use/.exec(message);
  const container = /Bind for (\S+):(\d+) failed: port is already allocated/.exec(message);
  if (!program && !container) return null;
  const [ip, port] = program ? [program[2]!, program[3]!] : [container![1]!, container![2]!];
  const on = ip === '0.0.0.0' || ip === '[::]' ? 'on every address' : `on ${ip}`;
  const by = program ? 'another program' : 'another container';
  return new RackpilotError(
    EngineErrorCode.Engine,
    `Could not start ${label}: host port ${port} ${on} is already in use by ${by} on the Docker host. Stop what uses port ${port}, or publish the service on another host port (its ports: in the compose file), then apply again.`,
  );
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
