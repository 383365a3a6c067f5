/**
 * Taking a stack down by its labels alone — no compose file needed, so it works as well for a
 * stack docker compose started as for Rackpilot's. Containers (one-off `run` ones too) and the
 * project's networks go; volumes hold data and stay unless the caller asked (and the user
 * confirmed) to remove them. External networks and volumes never carry the project label, so
 * they are never touched.
 */
import type Docker from 'dockerode';
import { abortError } from '../../abort';
import { removeContainer, stopContainer } from './container-ops';
import { engineError } from './engine-errors';
import { Label } from './labels';
import { removeNetwork, removeVolume } from './resources';

export interface DownOptions {
  removeVolumes: boolean;
  signal?: AbortSignal;
  log(line: string): void;
}

export interface DownResult {
  containers: number;
  networks: number;
  volumes: number;
}

/** The engine names anonymous volumes with 64 hex digits. */
function anonymousVolumes(containers: Docker.ContainerInfo[]): string[] {
  const names = containers.flatMap((c) => (c.Mounts ?? []).filter((m) => m.Type === 'volume' && /^[0-9a-f]{64}$/.test(m.Name ?? '')).map((m) => m.Name!));
  return [...new Set(names)];
}

export async function downStack(docker: Docker, name: string, opts: DownOptions): Promise<DownResult> {
  const check = () => {
    if (opts.signal?.aborted) throw abortError();
  };
  const filters = { label: [`${Label.project}=${name}`] };
  let containers: Docker.ContainerInfo[];
  try {
    containers = await docker.listContainers({ all: true, filters });
  } catch (err) {
    throw engineError(`list the containers of stack ${name}`, err, 'Check that the Docker Engine on the node is running');
  }
  const label = (c: Docker.ContainerInfo) => (c.Names[0] ?? c.Id).replace(/^\//, '');

  check();
  // Stop side by side: each takes up to its grace period, and none waits for another.
  await Promise.all(
    containers.map(async (c) => {
      if (c.State === 'running' || c.State === 'restarting' || c.State === 'paused') {
        opts.log(`stop ${label(c)}`);
        await stopContainer(docker, c.Id, label(c));
      }
    }),
  );
  check();
  for (const c of containers) {
    opts.log(`remove ${label(c)}`);
    await removeContainer(docker, c.Id, label(c), { volumes: opts.removeVolumes });
  }

  check();
  let networks = 0;
  for (const n of await docker.listNetworks({ filters })) {
    opts.log(`remove network ${n.Name}`);
    if (await removeNetwork(docker, n.Name)) networks++;
  }

  let volumes = 0;
  if (opts.removeVolumes) {
    check();
    const list = await docker.listVolumes({ filters });
    for (const v of list.Volumes ?? []) {
      opts.log(`remove volume ${v.Name}`);
      if (await removeVolume(docker, v.Name)) volumes++;
    }
    // `rm -v` removes only the anonymous volumes a container created itself, not those a
    // recreated container took over from its predecessor: remove those by name.
    for (const name of anonymousVolumes(containers)) {
      if (await removeVolume(docker, name, { skipInUse: true })) {
        opts.log(`remove volume ${name}`);
        volumes++;
      }
    }
  }
  return { containers: containers.length, networks, volumes };
}
