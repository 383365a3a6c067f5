/**
 * What a project looks like on the engine right now: the planner's other input. Plain data, so
 * the planner is a pure function and its unit tests build this by hand.
 */
import type { ContainerHealth } from '../../../../shared/domain/stack';

export type CreatedBy = 'rackpilot' | 'docker-compose';

export interface ObservedContainer {
  id: string;
  /** Without the leading '/'. */
  name: string;
  service: string;
  /** `com.docker.compose.container-number`; 1 for what Rackpilot creates. */
  number: number;
  /** `docker compose run` containers: never planned, removed by down. */
  oneoff: boolean;
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  exitCode: number;
  health: ContainerHealth;
  /** The reference it was created with (inspect Config.Image), e.g. `nginx:1.27`. */
  imageRef: string;
  /** The image id it runs (sha256:…). */
  imageId: string;
  labels: Record<string, string>;
  /** `com.docker.compose.config-hash`; null when absent. */
  configHash: string | null;
  /** Rackpilot's per-part hashes; null for containers docker compose made. */
  configParts: Record<string, string> | null;
  createdBy: CreatedBy;
  /** Engine network name → the network's id and this container's aliases on it. */
  networks: Record<string, { networkId: string; aliases: string[] }>;
  /**
   * Anonymous volumes it mounts (from `volumes: [/path]` or the image's VOLUME): a recreated
   * container mounts them again, as docker compose does, so data there survives a config change.
   */
  anonymousVolumes: { name: string; target: string }[];
}

export interface ObservedNetwork {
  name: string;
  id: string;
  driver: string;
  internal: boolean;
  labels: Record<string, string>;
  /** Carries this project's label (created by Rackpilot or docker compose for it). */
  ofProject: boolean;
}

export interface ObservedVolume {
  name: string;
  driver: string;
  labels: Record<string, string>;
  ofProject: boolean;
}

export interface ObservedProject {
  name: string;
  containers: ObservedContainer[];
  /** The project's networks, and any other network whose name the compose file uses. */
  networks: ObservedNetwork[];
  volumes: ObservedVolume[];
}

export function emptyObserved(name: string): ObservedProject {
  return { name, containers: [], networks: [], volumes: [] };
}
