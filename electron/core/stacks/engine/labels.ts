/**
 * The labels docker compose puts on what it creates. Rackpilot writes the same ones, so
 * `docker-compose ps/down` (1.29) and `docker compose ps/ls/down` (v2) on the node see its stacks,
 * and reads them to find and adopt stacks that docker compose started.
 */

export const Label = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  /** 'True' for `docker compose run` containers; `ps` and `down` filter on 'False'. */
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  /** The image id the container was created from (compose v2 writes the digest here). */
  image: 'com.docker.compose.image',
  version: 'com.docker.compose.version',
  /** compose v2's form: `db:service_healthy:false,cache:service_started:true`. */
  dependsOn: 'com.docker.compose.depends_on',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  /** Rackpilot made this container: tells its own apart from docker compose's. */
  managed: 'dev.rackpilot.managed',
  /** Per-part hashes of the service config, so a plan can say *what* changed (see config-hash.ts). */
  configParts: 'dev.rackpilot.config-parts',
} as const;

/**
 * The `com.docker.compose.version` Rackpilot writes. docker-compose 1.29 parses it with
 * LooseVersion and treats anything below 1.21.0 as a legacy project name (underscores and dashes
 * stripped), so it must be present and ≥ 1.21; v2 only displays it. The suffix says who wrote it.
 */
export const COMPOSE_VERSION = '2.20.0-rackpilot';

/** Compose v2 naming (`<project>-<service>-1`); 1.29 used `_`, but both find containers by labels. */
export function containerName(project: string, service: string, number = 1): string {
  return `${project}-${service}-${number}`;
}

/** Labels that every container of a project carries, as `docker compose ps` filters them. */
export function projectFilter(project: string): string[] {
  return [`${Label.project}=${project}`];
}
