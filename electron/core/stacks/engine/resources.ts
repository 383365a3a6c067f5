/**
 * Networks and volumes of a project, created with docker compose's labels (`com.docker.compose.
 * network` / `.volume` carry the key from the file) so `docker compose down` removes the networks
 * and `docker volume ls --filter label=com.docker.compose.project=…` finds the volumes.
 */
import type Docker from 'dockerode';
import type { ComposeNetwork, ComposeVolume } from '../compose/model';
import { engineError, engineStatus } from './engine-errors';
import { COMPOSE_VERSION, Label } from './labels';

export async function createNetwork(docker: Docker, project: string, key: string, net: ComposeNetwork): Promise<void> {
  const options: Docker.NetworkCreateOptions = {
    Name: net.name,
    CheckDuplicate: true,
    Driver: net.driver ?? 'bridge',
    Options: net.driverOpts,
    Internal: net.internal,
    Attachable: net.attachable,
    Labels: { ...net.labels, [Label.project]: project, [Label.network]: key, [Label.version]: COMPOSE_VERSION },
  };
  if (net.subnets.length) options.IPAM = { Driver: 'default', Config: net.subnets.map((s) => ({ Subnet: s })) };
  try {
    await docker.createNetwork(options);
  } catch (err) {
    // Made by a concurrent apply between plan and now: the same network, fine.
    if (engineStatus(err) === 409) return;
    throw engineError(`create network ${net.name}`, err, 'Check the networks section of the compose file (subnets must not overlap existing networks) and apply again');
  }
}

export async function createVolume(docker: Docker, project: string, key: string, vol: ComposeVolume): Promise<void> {
  try {
    await docker.createVolume({
      Name: vol.name,
      Driver: vol.driver ?? 'local',
      DriverOpts: vol.driverOpts,
      Labels: { ...vol.labels, [Label.project]: project, [Label.volume]: key, [Label.version]: COMPOSE_VERSION },
    });
  } catch (err) {
    throw engineError(`create volume ${vol.name}`, err, 'Check the volumes section of the compose file (driver and driver_opts) and apply again');
  }
}

export async function removeNetwork(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getNetwork(name).remove();
    return true;
  } catch (err) {
    if (engineStatus(err) === 404) return false;
    throw engineError(`remove network ${name}`, err, 'A container outside the stack may still use it: disconnect it (docker network disconnect) and take the stack down again');
  }
}

/** `skipInUse`: a volume another container still mounts is left alone (false) instead of failing. */
export async function removeVolume(docker: Docker, name: string, opts: { skipInUse?: boolean } = {}): Promise<boolean> {
  try {
    await docker.getVolume(name).remove();
    return true;
  } catch (err) {
    const status = engineStatus(err);
    if (status === 404 || (status === 409 && opts.skipInUse)) return false;
    throw engineError(`remove volume ${name}`, err, 'A container outside the stack may still use it: remove that container and take the stack down again');
  }
}
