/**
 * The normalized compose project: what the loader (parse → interpolate → merge → validate →
 * normalize) produces and what the planner and the engine consume. Every short form of the
 * compose spec is expanded here (ports, volumes, depends_on lists, durations, byte sizes), so
 * code after the loader never meets two spellings of one thing.
 */
import type { ComposeIssue } from '../../../../shared/domain/stack';

export interface ComposeProject {
  /** The project name (= the stack's name): the `com.docker.compose.project` label. */
  name: string;
  /** `com.docker.compose.project.working_dir`: the stack's folder. */
  workingDir: string;
  /** `com.docker.compose.project.config_files`: absolute paths of the compose files, in order. */
  configFiles: string[];
  /** Only services whose profiles are enabled (or that have none). */
  services: Record<string, ComposeService>;
  /** Keyed by the name used in the file; `default` is added when a service uses no network. */
  networks: Record<string, ComposeNetwork>;
  volumes: Record<string, ComposeVolume>;
}

export type RestartPolicy = { name: 'no' | 'always' | 'unless-stopped' } | { name: 'on-failure'; maxRetries: number };

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface PortMapping {
  /** Container port. */
  target: number;
  /** Host port; null = the engine picks one. */
  published: number | null;
  /** '' = all interfaces. */
  hostIp: string;
  protocol: 'tcp' | 'udp';
}

export type ServiceMount =
  | { type: 'volume'; source: string | null; target: string; readOnly: boolean; noCopy: boolean }
  | { type: 'bind'; source: string; target: string; readOnly: boolean; createHostPath: boolean }
  | { type: 'tmpfs'; target: string; sizeBytes: number | null; mode: number | null };

export interface Healthcheck {
  /** Docker's form: ['CMD', ...], ['CMD-SHELL', '...'] or ['NONE']. */
  test: string[];
  intervalNs: number | null;
  timeoutNs: number | null;
  retries: number | null;
  startPeriodNs: number | null;
}

export interface ComposeService {
  name: string;
  image: string;
  /** null = the image's default. */
  command: string[] | null;
  entrypoint: string[] | null;
  /** env_file entries first, then `environment` (which wins), all interpolated. Sorted by key. */
  environment: Record<string, string>;
  ports: PortMapping[];
  mounts: ServiceMount[];
  /** Network key (as in project.networks) → attachment. */
  networks: Record<string, { aliases: string[]; ipv4Address: string | null }>;
  dependsOn: Record<string, { condition: DependsOnCondition; restart: boolean; required: boolean }>;
  restart: RestartPolicy;
  /** null = the image's healthcheck; `disable: true` in compose becomes test ['NONE']. */
  healthcheck: Healthcheck | null;
  labels: Record<string, string>;
  user: string | null;
  workingDir: string | null;
  hostname: string | null;
  capAdd: string[];
  capDrop: string[];
  /** Docker's form: host path, container path, cgroup permissions (default rwm). */
  devices: { pathOnHost: string; pathInContainer: string; permissions: string }[];
  /** "host:ip" as Docker's HostConfig.ExtraHosts takes them. */
  extraHosts: string[];
  logging: { driver: string; options: Record<string, string> } | null;
  privileged: boolean;
  init: boolean;
  /** null = Docker's default (10 s). */
  stopGracePeriodSeconds: number | null;
  limits: { nanoCpus: number | null; memoryBytes: number | null; pids: number | null };
  profiles: string[];
}

export interface ComposeNetwork {
  /** The engine's name: `<project>_<key>`, or `name:` from the file, or the external name. */
  name: string;
  external: boolean;
  driver: string | null;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
  internal: boolean;
  attachable: boolean;
  /** IPAM subnets, e.g. ['172.28.0.0/16']. */
  subnets: string[];
}

export interface ComposeVolume {
  /** The engine's name: `<project>_<key>`, or `name:` from the file, or the external name. */
  name: string;
  external: boolean;
  driver: string | null;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}

export interface ComposeFileInput {
  /** As shown in issues: `compose.yaml`, `compose.override.yaml`, … */
  name: string;
  content: string;
}

export interface LoadProjectInput {
  projectName: string;
  /** The stack's folder; relative bind sources and env_file paths resolve against it. */
  workingDir: string;
  /** Merged in order: later files override earlier ones (docker compose -f a -f b). */
  files: ComposeFileInput[];
  /** The .env file's text. */
  envFile: string;
  /** Per-stack variables; they override .env. */
  variables: Record<string, string>;
  profiles: string[];
  /** Reads an env_file (relative to workingDir); throws when missing. Local for tests, SFTP for nodes. */
  readFile?: (path: string) => string;
}

export interface LoadProjectResult {
  /** Null when any issue is an error. */
  project: ComposeProject | null;
  issues: ComposeIssue[];
}
