/**
 * The containers of a compose project, found as docker compose finds them: by the
 * `com.docker.compose.project` label (and `.service` for one service), whoever created them.
 */
import type Dockerode from 'dockerode';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';

export interface ProjectContainer {
  id: string;
  /** Without Docker's leading '/'. */
  name: string;
  service: string;
  state: string;
}

export async function projectContainers(
  docker: Dockerode,
  project: string,
  opts: { service?: string; running?: boolean; signal?: AbortSignal } = {},
): Promise<ProjectContainer[]> {
  const label = [`${PROJECT_LABEL}=${project}`];
  if (opts.service) label.push(`${SERVICE_LABEL}=${opts.service}`);
  const filters: Record<string, string[]> = { label };
  if (opts.running) filters.status = ['running'];
  const list = await docker.listContainers({ all: !opts.running, filters, abortSignal: opts.signal });
  return list
    .map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      service: c.Labels[SERVICE_LABEL] ?? '',
      state: c.State,
    }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
}
