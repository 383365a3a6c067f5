/**
 * Compose stacks on nodes (issue 6, DESIGN §6): a stack is a docker-compose project that
 * Rackpilot stores (compose.yaml + .env + variables, with a history of applied versions) and
 * applies to one node's Docker Engine through the Engine API — or one that `docker compose`
 * started on the node, which Rackpilot finds by its labels and manages the same way.
 */
import { z } from 'zod';
import { nodeIdSchema } from './node-schema';

/** Where a stack runs: a node's id, or `local` for the Docker Engine on this computer. */
export const LOCAL_ENGINE = 'local';
export const stackTargetSchema = z.union([nodeIdSchema, z.literal(LOCAL_ENGINE)]);

/** docker compose's rule for project names: lowercase letters, digits, dashes and underscores, starting with a letter or digit. */
export const stackNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'A stack name is lowercase letters, digits, "-" and "_", starting with a letter or digit (docker compose project rules)');

const stackRef = { nodeId: stackTargetSchema, name: stackNameSchema };

/** One problem in a compose file, placed where an editor can mark it. */
export interface ComposeIssue {
  severity: 'error' | 'warning';
  message: string;
  /** Which file: `compose.yaml`, `.env`, or an extra file's name. */
  file: string;
  /** Path of the key in the document, e.g. `services.web.ports[0]`; empty for the whole file. */
  path: string;
  /** 1-based; null when the issue has no place in the text (e.g. a missing variable's default). */
  line: number | null;
  column: number | null;
}

/** The main compose file of every stack; override files are merged over it. */
export const MAIN_COMPOSE_FILE = 'compose.yaml';

/**
 * An override file's name: a plain YAML file name in the stack's folder (compose.override.yaml,
 * compose.prod.yaml) — no folders, not hidden, and never the main file (compared without case,
 * because macOS folders are case-insensitive).
 */
export const overrideFileNameSchema = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/, 'An override file name is letters, digits, ".", "-" and "_", ending in .yaml or .yml (e.g. compose.override.yaml)')
  .refine((n) => n.toLowerCase() !== MAIN_COMPOSE_FILE, `An override file cannot be named ${MAIN_COMPOSE_FILE}: that is the stack's main file`);

export const MAX_OVERRIDE_FILES = 10;

/** Override files, merged over compose.yaml in this order, as `docker compose -f compose.yaml -f a -f b` does. */
export const stackOverridesSchema = z
  .array(z.object({ name: overrideFileNameSchema, content: z.string().max(1_000_000) }).strict())
  .max(MAX_OVERRIDE_FILES)
  .refine((files) => new Set(files.map((f) => f.name.toLowerCase())).size === files.length, 'Two override files have the same name: rename one');

/** What the user edits: the files of the stack's folder. */
export const stackFilesSchema = z
  .object({
    compose: z.string().max(1_000_000),
    /** Override files (compose.override.yaml, compose.prod.yaml, …) merged after compose.yaml, in order. */
    overrides: stackOverridesSchema.default([]),
    /** The stack's .env (KEY=value lines), as docker compose reads it. */
    env: z.string().max(200_000).default(''),
    /** Per-stack variables set in Rackpilot; they override .env, as the shell's do for docker compose. */
    variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(100_000)).default({}),
    /** Compose profiles to enable. */
    profiles: z.array(z.string().min(1).max(100)).max(50).default([]),
  })
  .strict();
export type StackFiles = z.output<typeof stackFilesSchema>;

export interface PortLink {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
  /** http://<node address>:<port> for TCP ports, for the UI to link; null for UDP. */
  url: string | null;
}

export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface StackContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  /** Docker's status line, e.g. "Up 3 minutes (healthy)". */
  status: string;
  health: ContainerHealth;
  image: string;
  ports: PortLink[];
  createdAt: string;
}

export type StackState = 'running' | 'partial' | 'stopped' | 'not-deployed';

export interface StackSummary {
  nodeId: string;
  name: string;
  /** Stored in Rackpilot (a folder under the data dir), or only found on the node (started by docker compose). */
  stored: boolean;
  /** The tool that created the running containers, from their labels; null when none run. */
  createdBy: 'rackpilot' | 'docker-compose' | null;
  state: StackState;
  services: { name: string; containers: StackContainer[] }[];
  /** The history version last applied from Rackpilot; null when never applied. */
  appliedVersion: number | null;
}

export interface StackVersion {
  version: number;
  appliedAt: string;
  /** sha256 of compose (and its overrides) + env + variables, to tell versions apart at a glance. */
  digest: string;
  /** The first line of what changed, e.g. "web: recreate (environment)". */
  summary: string;
}

export interface StackDetail {
  summary: StackSummary;
  /** Null for a stack only found on the node (nothing stored yet). */
  files: StackFiles | null;
  /** Problems with the stored files (parse, interpolation, unsupported keys). */
  issues: ComposeIssue[];
  versions: StackVersion[];
}

export type PlanActionKind = 'create' | 'recreate' | 'keep' | 'start' | 'remove-orphan';

export interface PlanAction {
  action: PlanActionKind;
  service: string;
  /** The container's name, existing or to be made. */
  container: string;
  /** Why, for recreate: e.g. "image changed (nginx:1.25 → nginx:1.27)", "config changed: environment", "network changed". */
  reasons: string[];
}

export interface ResourceAction {
  action: 'create' | 'keep' | 'missing-external';
  kind: 'network' | 'volume';
  /** The engine's name (project-prefixed unless named explicitly or external). */
  name: string;
}

export interface StackPlan {
  nodeId: string;
  name: string;
  /** Which stored version this plan applies: the current files, or a history version (rollback). */
  version: number | 'current';
  actions: PlanAction[];
  resources: ResourceAction[];
  /** Images that will be pulled (missing on the node). */
  pulls: string[];
  /** True when applying changes nothing. */
  noop: boolean;
  /** Hash of the plan; apply refuses with E_CONFLICT when the node changed since (plan before apply). */
  planHash: string;
}

/** Pull progress of one image in a deploy job (event `stacks.pull`). */
export interface ImagePullProgress {
  jobId: string;
  image: string;
  /** Bytes over all layers; total 0 while unknown. */
  current: number;
  total: number;
  layers: { id: string; status: string; current: number; total: number }[];
  done: boolean;
  error: string | null;
}

export interface StackLogLine {
  service: string;
  container: string;
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds as Docker gives it; null when timestamps were not asked for. */
  time: string | null;
  text: string;
}

export interface ContainerStats {
  container: string;
  service: string;
  /** Percent of one CPU, as `docker stats` shows (can exceed 100 on several cores). */
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
}

export interface TemplateVariable {
  name: string;
  label: string;
  default: string;
  required: boolean;
  /** Passwords and tokens: the UI masks them and they never reach logs. */
  secret: boolean;
  help: string;
}

export interface StackTemplate {
  id: string;
  title: string;
  description: string;
  variables: TemplateVariable[];
}

/** How Rackpilot reaches a node's engine: stream forwarding, `docker system dial-stdio`, or the local socket. */
export type EngineTransport = 'stream-local' | 'dial-stdio' | 'local-socket';

export interface EngineInfo {
  nodeId: string;
  transport: EngineTransport;
  serverVersion: string;
  apiVersion: string;
}

export const stackRefInput = z.object(stackRef).strict();
export const stackListInput = z.object({ nodeId: stackTargetSchema }).strict();
export const stackSaveInput = z.object({ ...stackRef, files: stackFilesSchema }).strict();
export const stackValidateInput = z.object({ name: stackNameSchema.default('preview'), files: stackFilesSchema }).strict();
export const stackPlanInput = z
  .object({ ...stackRef, version: z.union([z.number().int().positive(), z.literal('current')]).default('current') })
  .strict();
export const stackApplyInput = z
  .object({
    ...stackRef,
    version: z.union([z.number().int().positive(), z.literal('current')]).default('current'),
    /** The plan the user saw; apply refuses if the node no longer matches it. */
    planHash: z.string().min(1).max(128).optional(),
  })
  .strict();
export const stackDownInput = z
  .object({
    ...stackRef,
    removeVolumes: z.boolean().default(false),
    /** Removing volumes deletes data: the caller repeats the stack's name. */
    confirmName: z.string().max(100).optional(),
  })
  .strict();
export const stackServiceInput = z
  .object({ ...stackRef, service: z.string().min(1).max(100), action: z.enum(['start', 'stop', 'restart']) })
  .strict();
export const stackLogsInput = z
  .object({
    ...stackRef,
    service: z.string().min(1).max(100).optional(),
    tail: z.number().int().min(0).max(10_000).default(200),
    timestamps: z.boolean().default(true),
    follow: z.boolean().default(true),
  })
  .strict();
export const stackFromTemplateInput = z
  .object({ ...stackRef, templateId: z.string().min(1).max(100), values: z.record(z.string(), z.string().max(10_000)).default({}) })
  .strict();
export const stackRemoveInput = z.object({ ...stackRef, confirmName: z.string().max(100) }).strict();
