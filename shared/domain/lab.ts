/**
 * Guided labs (issue 8): step-by-step learning on the learner's own nodes, every step checked by
 * the core against those real nodes. A lab is a folder a contributor writes without touching code:
 *
 *   <lab-id>/lab.yaml          the manifest (labManifestSchema)
 *   <lab-id>/steps/<file>.md   ordered steps: YAML front matter (title + checks), Markdown body,
 *                              and an optional `## Solution` section hidden until asked for
 *
 * Text in the manifest, a step's body and a check's strings may use placeholders the core fills
 * from the learner's run: {{nodes.<role>.name|address|user}}, {{host.address}} (where nodes reach
 * this computer) and {{lab.registry}} (the registry nodes' Docker pulls through, or "").
 * Types, limits and schemas; plain data only.
 */
import { z } from 'zod';
import { NODE_STATES, type NodeState } from './node';
import { nodeIdSchema } from './node-schema';

/** Lab ids are folder names: lower-case slug. */
export const LAB_ID = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;
export const labIdSchema = z.string().regex(LAB_ID, 'A lab id is a lower-case slug (letters, digits, inner hyphens)');
/** A role the lab's steps use to name one of its nodes ("web", "cp1"). */
export const LAB_ROLE = /^[a-z][a-z0-9]{0,19}$/;
const roleSchema = z.string().regex(LAB_ROLE, 'A node role is a short lower-case word (letters and digits, starting with a letter)');

// ---------------------------------------------------------------- manifest (lab.yaml)

export const labNodeNeedSchema = z
  .object({
    role: roleSchema,
    /** What this node is for, shown when the learner picks a node for it. */
    description: z.string().min(1).max(300),
    /**
     * The node must keep its changes across a reboot (installed to disk, not a live image):
     * practice-rack nodes made for the lab then use the install-to-disk profile.
     */
    persistent: z.boolean().default(false),
    /** Size of a practice-rack node made for this role (kubeadm wants 2 CPUs on a control plane). */
    practiceSize: z
      .object({ cpus: z.number().int().min(1).max(16).optional(), memoryMb: z.number().int().min(256).max(65536).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type LabNodeNeed = z.output<typeof labNodeNeedSchema>;

export const labManifestSchema = z
  .object({
    /** Must equal the folder name. */
    id: labIdSchema,
    title: z.string().min(3).max(120),
    summary: z.string().min(10).max(600),
    /** Position in the catalog (the learning ladder). */
    order: z.number().int().min(0).max(10_000),
    estimatedMinutes: z.number().int().min(1).max(24 * 60),
    /** Other labs (by id) best done first. */
    prerequisites: z.array(labIdSchema).max(20).default([]),
    /** What the learner should already know or have, in words. */
    requirements: z.array(z.string().min(1).max(300)).max(20).default([]),
    /** Zero nodes: the lab makes its own (lab 1 boots a node). */
    nodes: z.array(labNodeNeedSchema).max(10),
    /**
     * What "reset" does beyond clearing progress. `reinstall`: every node of the lab is
     * reinstalled from its boot profile (power-cycled into the installer) so the lab starts from a
     * fresh OS. `progress`: only the saved progress is cleared.
     */
    reset: z.enum(['progress', 'reinstall']).default('progress'),
    /**
     * Practice-rack nodes made for this lab: `installed` (booted and reachable over SSH before
     * step 1) or `created` (the VM and its inventory entry only: the lab itself boots them).
     */
    practiceStart: z.enum(['installed', 'created']).default('installed'),
    /** Where real hardware differs from the practice rack, in Markdown (shown on the lab's page). */
    realHardware: z.string().max(4000).default(''),
    /** Step files, relative to the lab folder, in order. */
    steps: z.array(z.string().regex(/^steps\/[A-Za-z0-9._-]+\.md$/, 'A step is a file steps/<name>.md')).min(1).max(50),
  })
  .strict();
export type LabManifest = z.output<typeof labManifestSchema>;

// ---------------------------------------------------------------- checks (step front matter)

const hint = z.string().min(1, 'Every check needs a hint for the learner').max(1000);
const checkBase = {
  /** Unique within the step; results are keyed on it. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'A check id is a short lower-case slug'),
  /** What is checked, in the learner's words ("nginx answers on port 80"). */
  title: z.string().min(3).max(200),
  /** Shown when the check fails: what to look at, never the solution itself. */
  hint,
};
const regexString = z.string().max(500).refine((s) => {
  try {
    new RegExp(s, 'm');
    return true;
  } catch {
    return false;
  }
}, 'Not a valid regular expression');
/** Where an HTTP request or a port probe starts: this computer, or a node of the lab (by role). */
const fromSchema = z.union([z.literal('host'), roleSchema]);

export const labCheckSchema = z.discriminatedUnion('kind', [
  /** The node's lifecycle state in Rackpilot's inventory. */
  z.object({ ...checkBase, kind: z.literal('node-state'), node: roleSchema, state: z.array(z.enum(NODE_STATES)).min(1) }).strict(),
  /** A command over SSH: exit code and optionally its output. */
  z
    .object({
      ...checkBase,
      kind: z.literal('command'),
      node: roleSchema,
      run: z.string().min(1).max(4000),
      sudo: z.boolean().default(false),
      exitCode: z.number().int().min(0).max(255).default(0),
      stdoutMatches: regexString.optional(),
      stdoutNotMatches: regexString.optional(),
      timeoutSeconds: z.number().int().min(1).max(600).default(30),
    })
    .strict(),
  /** HTTP GET from this computer or from a node (curl on the node): status and body. */
  z
    .object({
      ...checkBase,
      kind: z.literal('http'),
      from: fromSchema,
      url: z.string().min(8).max(2000),
      status: z.number().int().min(100).max(599).default(200),
      bodyMatches: regexString.optional(),
      timeoutSeconds: z.number().int().min(1).max(120).default(10),
    })
    .strict(),
  /** A TCP port of one node accepts (or refuses) connections from another node or this computer. */
  z
    .object({
      ...checkBase,
      kind: z.literal('port'),
      from: fromSchema,
      to: roleSchema,
      port: z.number().int().min(1).max(65535),
      open: z.boolean().default(true),
    })
    .strict(),
  /** A systemd unit's state on the node. */
  z
    .object({
      ...checkBase,
      kind: z.literal('systemd'),
      node: roleSchema,
      unit: z.string().regex(/^[A-Za-z0-9@._:-]{1,200}$/, 'Not a systemd unit name'),
      active: z.boolean().default(true),
      enabled: z.boolean().optional(),
    })
    .strict(),
  /** A container (by name) through the node's Docker Engine: running, optionally healthy. */
  z
    .object({
      ...checkBase,
      kind: z.literal('container'),
      node: roleSchema,
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'Not a container name'),
      running: z.boolean().default(true),
      healthy: z.boolean().default(false),
      /** The container (re)started after the learner reached this step (e.g. "take it down and up"). */
      startedSinceStep: z.boolean().default(false),
      /** Its image reference must match (e.g. "^nginx"). */
      imageMatches: regexString.optional(),
    })
    .strict(),
  /** A compose stack (its project label) on the node: every service running, optionally healthy. */
  z
    .object({
      ...checkBase,
      kind: z.literal('stack'),
      node: roleSchema,
      project: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'Not a compose project name'),
      services: z.array(z.string().min(1).max(63)).min(1).max(20).optional(),
      healthy: z.boolean().default(false),
      startedSinceStep: z.boolean().default(false),
    })
    .strict(),
  /** A file on the node exists (read with sudo when asked) and its content matches. */
  z
    .object({
      ...checkBase,
      kind: z.literal('file'),
      node: roleSchema,
      path: z.string().regex(/^\/[^\0]{0,1000}$/, 'An absolute path'),
      sudo: z.boolean().default(false),
      contentMatches: regexString.optional(),
    })
    .strict(),
  /** The node booted again after the learner reached this step (its boot id changed). */
  z.object({ ...checkBase, kind: z.literal('rebooted'), node: roleSchema }).strict(),
  /** Nodes of a Rackpilot cluster are Ready (all, or at least `count`). */
  z
    .object({
      ...checkBase,
      kind: z.literal('kube-nodes-ready'),
      cluster: z.string().min(1).max(63),
      count: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  /** A Deployment in a Rackpilot cluster has its replicas available. */
  z
    .object({
      ...checkBase,
      kind: z.literal('kube-deployment-available'),
      cluster: z.string().min(1).max(63),
      namespace: z.string().min(1).max(63).default('default'),
      name: z.string().min(1).max(253),
      minAvailable: z.number().int().min(1).max(1000).default(1),
    })
    .strict(),
]);
export type LabCheck = z.output<typeof labCheckSchema>;
export type LabCheckKind = LabCheck['kind'];
export const LAB_CHECK_KINDS: readonly LabCheckKind[] = [
  'node-state',
  'command',
  'http',
  'port',
  'systemd',
  'container',
  'stack',
  'file',
  'rebooted',
  'kube-nodes-ready',
  'kube-deployment-available',
];

export const labStepFrontMatterSchema = z
  .object({
    title: z.string().min(3).max(120),
    checks: z.array(labCheckSchema).max(20).default([]),
  })
  .strict();
export type LabStepFrontMatter = z.output<typeof labStepFrontMatterSchema>;

/** A step as loaded: text before `## Solution` is the body; after it, the solution. */
export interface LabStep {
  index: number;
  /** e.g. steps/01-serve.md */
  file: string;
  title: string;
  body: string;
  solution: string | null;
  checks: LabCheck[];
}

export interface Lab {
  manifest: LabManifest;
  steps: LabStep[];
  /** Absolute folder it was loaded from. */
  dir: string;
  source: 'built-in' | 'user';
}

/** One problem in a lab folder, located for its author. */
export interface LabIssue {
  /** Path relative to the lab folder (lab.yaml, steps/02-nginx.md). */
  file: string;
  /** 1-based; 0 when the problem is the file as a whole (missing, unreadable). */
  line: number;
  column: number;
  message: string;
}

// ---------------------------------------------------------------- results and runs

export type CheckStatus = 'pass' | 'fail' | 'error';

export interface CheckResult {
  checkId: string;
  title: string;
  kind: LabCheckKind;
  /** error: the check could not run (node unreachable, no cluster): not the learner's answer. */
  status: CheckStatus;
  /** What the check ran or asked, with placeholders filled ("curl -s http://10.78.0.5/ from the host"). */
  ran: string;
  /** What it saw (exit code, status line, a trimmed excerpt of the output). */
  saw: string;
  /** The lab's hint, on fail and error. */
  hint: string | null;
  at: string;
  durationMs: number;
}

export interface StepCheckReport {
  labId: string;
  step: number;
  passed: boolean;
  results: CheckResult[];
  /** Whether this check made the step complete and moved the run on. */
  advanced: boolean;
}

export interface LabStepProgress {
  /** When the learner first reached the step (the start for `rebooted` and `startedSinceStep`). */
  reachedAt: string | null;
  /** Each node's boot id when the step was reached, by role. */
  bootIds: Record<string, string>;
  completedAt: string | null;
  solutionShown: boolean;
  lastCheck: { at: string; passed: boolean; results: CheckResult[] } | null;
}

export interface LabRun {
  labId: string;
  startedAt: string;
  /** Role → node id. */
  nodes: Record<string, string>;
  /** Index of the step the learner is on. */
  currentStep: number;
  steps: LabStepProgress[];
  completedAt: string | null;
  /** A reset job in flight, if any. */
  resetJobId: string | null;
}

export interface LabSummary {
  id: string;
  title: string;
  summary: string;
  order: number;
  estimatedMinutes: number;
  prerequisites: string[];
  requirements: string[];
  nodes: LabNodeNeed[];
  reset: LabManifest['reset'];
  source: Lab['source'];
  stepCount: number;
  progress: { started: boolean; stepsDone: number; currentStep: number; completed: boolean };
}

/** A lab folder that did not load: listed with its problems, never silently skipped. */
export interface BrokenLab {
  folder: string;
  source: Lab['source'];
  issues: LabIssue[];
}

export interface LabCatalog {
  labs: LabSummary[];
  broken: BrokenLab[];
  /** Where the learner's own labs are read from. */
  userLabsDir: string;
}

export interface LabStepView {
  index: number;
  title: string;
  /** Markdown with placeholders filled (when the lab runs) — never the solution. */
  body: string;
  hasSolution: boolean;
  checks: { id: string; title: string; kind: LabCheckKind }[];
}

export interface LabDetail {
  summary: LabSummary;
  realHardware: string;
  steps: LabStepView[];
  run: LabRun | null;
  /** Role → the node picked for it (name, address, state) while the lab runs. */
  nodes: Record<string, { id: string; name: string; address: string; state: NodeState } | null>;
}

// ---------------------------------------------------------------- API inputs

export const labRefInput = z.object({ labId: labIdSchema }).strict();
export const labStartInput = z
  .object({
    labId: labIdSchema,
    /** Role → node id. Every role of the lab needs one, and a node serves one role. */
    nodes: z.record(roleSchema, nodeIdSchema).default({}),
  })
  .strict();
export const labPracticeInput = z.object({ labId: labIdSchema }).strict();
export const labStepInput = z.object({ labId: labIdSchema, step: z.number().int().min(0).max(49) }).strict();
export const labCheckInput = z
  .object({
    labId: labIdSchema,
    /** Default: the current step. */
    step: z.number().int().min(0).max(49).optional(),
    /** An automatic re-check while the learner works (same checks; logged less loudly). */
    auto: z.boolean().default(false),
  })
  .strict();
export const labResetInput = z
  .object({
    labId: labIdSchema,
    /** The lab id typed by the learner: a reset may reinstall nodes. */
    confirmName: z.string().max(100),
  })
  .strict();
export const labStopInput = labRefInput;
