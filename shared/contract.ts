/**
 * The API contract: every method (input schema, output type, progress type) and every event
 * channel, declared once. The core's dispatcher validates inputs with these schemas whatever the
 * transport; the renderer's `call()` is typed from the same declarations.
 */
import { z } from 'zod';
import { bootConfigSchema, type BootStatus, type NetworkInterfaceInfo } from './domain/boot';
import { assetDownloadInput, assetImportInput, type AssetStatus } from './domain/asset';
import type { ConnectivityResult } from './domain/connectivity';
import type { AuditEvent } from './domain/event';
import type { Job, JobLogLine } from './domain/job';
import type { LabImageStatus } from './domain/lab-image';
import type { NodeFacts } from './domain/facts';
import { runCommandInput } from './domain/command';
import { runRecipeInput, type RecipeInfo, type RecipeStepEvent } from './domain/recipe';
import {
  terminalAckInput,
  terminalCloseInput,
  terminalInputInput,
  terminalOpenInput,
  terminalResizeInput,
  type TerminalClosed,
  type TerminalProgress,
} from './domain/terminal';
import type { SshConnectionStatus, SshPublicKey } from './domain/ssh';
import type { HostKey, Node } from './domain/node';
import { nodeChangesSchema, nodeIdSchema, nodeInputSchema } from './domain/node-schema';
import { profileCloneInput, profileCreateInput, profileUpdateInput, type Profile } from './domain/profile';
import { settingsSchema, type Settings } from './domain/settings';
import type { ClusterSpecIssue } from './domain/cluster';
import {
  clusterConfirmInput,
  clusterMergeKubeconfigInput,
  clusterRebuildInput,
  clusterRefInput,
  clusterSaveInput,
  clusterTeardownInput,
  type CleanWipeReport,
  type Cluster,
  type ClusterSaveResult,
  type ClusterStatus,
  type KubeconfigFile,
  type KubeconfigMergeResult,
  type TeardownPlan,
} from './domain/cluster-record';
import {
  stackApplyInput,
  stackDownInput,
  stackFromTemplateInput,
  stackListInput,
  stackLogsInput,
  stackPlanInput,
  stackRefInput,
  stackRemoveInput,
  stackSaveInput,
  stackServiceInput,
  stackValidateInput,
  type ComposeIssue,
  type ContainerStats,
  type EngineInfo,
  type ImagePullProgress,
  type StackDetail,
  type StackLogLine,
  type StackPlan,
  type StackSummary,
  type StackTemplate,
} from './domain/stack';
import {
  labCheckInput,
  labPracticeInput,
  labRefInput,
  labResetInput,
  labStartInput,
  labStepInput,
  labStopInput,
  type LabCatalog,
  type LabDetail,
  type LabRun,
  type StepCheckReport,
} from './domain/lab';
import {
  nodePowerInput,
  vlabConfigureInput,
  vlabConsoleInput,
  vlabCreateInput,
  vlabDestroyInput,
  vlabIdInput,
  vlabStopInput,
  type PowerStatus,
  type VirtualNode,
  type VlabConsoleTail,
  type VlabStatus,
} from './domain/vlab';

/** A method declaration; O and P exist only at the type level. */
export interface MethodSpec<I extends z.ZodType, O, P> {
  input: I;
  /** Phantom fields carrying the output and progress types. */
  readonly __output?: O;
  readonly __progress?: P;
}

function method<O, P = never>() {
  return <I extends z.ZodType>(input: I): MethodSpec<I, O, P> => ({ input });
}

const empty = z.object({}).strict().default({});
const byId = z.object({ id: nodeIdSchema }).strict();

export interface SystemInfo {
  product: 'Rackpilot';
  version: string;
  schemaVersion: number;
  dataDir: string;
  startedAt: string;
  /** Which face the core runs in. */
  shell: 'electron' | 'headless';
}

export interface ImportProgress {
  done: number;
  total: number;
}

export interface ImportResult {
  created: Node[];
  /** Rows that were refused, by their index in the input, with the reason. */
  rejected: { index: number; message: string }[];
}

/** A node's presented host key next to its pins: `unknown` when none is pinned yet. */
export interface HostKeyScan {
  presented: HostKey;
  pinned: HostKey[];
  match: 'pinned' | 'unknown' | 'mismatch';
}

export const methods = {
  'system.info': method<SystemInfo>()(empty),

  'nodes.list': method<Node[]>()(empty),
  'nodes.get': method<Node>()(byId),
  'nodes.create': method<Node>()(nodeInputSchema.strict()),
  'nodes.update': method<Node>()(z.object({ id: nodeIdSchema, changes: nodeChangesSchema.strict() }).strict()),
  'nodes.remove': method<{ id: string }>()(byId),
  /** Adds many nodes at once (CSV import, scripts); refuses bad rows individually. */
  'nodes.import': method<ImportResult, ImportProgress>()(
    z.object({ nodes: z.array(z.unknown()).min(1).max(5000) }).strict(),
  ),
  /** Starts a job that resolves the node's address and opens its SSH port; returns the job. */
  'nodes.checkConnectivity': method<Job>()(byId),

  /** Reads the host key the node presents now, compared with its pins (nodes added by hand). */
  'nodes.scanHostKey': method<HostKeyScan>()(byId),
  /** Pins the key the node presents, only if its fingerprint is the one the user accepted. */
  'nodes.acceptHostKey': method<Node>()(
    z.object({ id: nodeIdSchema, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'A fingerprint looks like SHA256:… as ssh-keygen -lf prints it') }).strict(),
  ),
  /** Starts a job that gathers the node's facts over SSH and stores them; returns the job. */
  'nodes.gatherFacts': method<Job>()(byId),
  /** The facts last gathered from the node, or null. */
  'nodes.facts': method<NodeFacts | null>()(byId),
  /** An ~/.ssh/config snippet (and known_hosts lines) for the given nodes. */
  'nodes.exportSshConfig': method<string>()(z.object({ ids: z.array(nodeIdSchema).min(1).max(5000) }).strict()),
  /** An Ansible inventory for the given nodes, grouped by role. */
  'nodes.exportAnsibleInventory': method<string>()(
    z.object({ ids: z.array(nodeIdSchema).min(1).max(5000), format: z.enum(['ini', 'yaml']) }).strict(),
  ),

  /**
   * Install / Rebuild: arms the node's netboot flag with a profile; its next PXE boot wipes the
   * disk and installs. Destructive, so the caller must repeat the node's name.
   */
  'nodes.install': method<Node>()(
    z.object({ id: nodeIdSchema, profileId: z.string().min(1).max(100), confirmName: z.string().max(100) }).strict(),
  ),
  'nodes.cancelInstall': method<Node>()(byId),
  /** One job per node (kind `node.recipe`); each job's result is a RecipeRunResult. */
  'nodes.runRecipe': method<Job[]>()(runRecipeInput),
  /** One job (kind `nodes.command`) over all the nodes; its result is a BulkCommandResult. */
  'nodes.runCommand': method<Job>()(runCommandInput),
  /** The pooled SSH connection's state per node (only nodes Rackpilot has talked to). */
  'nodes.sshStatus': method<SshConnectionStatus[]>()(empty),

  'recipes.list': method<RecipeInfo[]>()(empty),
  /** Rackpilot's public SSH key (what cloud-init installs), or null when only the agent is used. */
  'ssh.publicKey': method<SshPublicKey | null>()(empty),

  /** Long-lived: progress carries the terminal id, then output; resolves when the shell ends. */
  'terminal.open': method<TerminalClosed, TerminalProgress>()(terminalOpenInput),
  'terminal.input': method<null>()(terminalInputInput),
  'terminal.resize': method<null>()(terminalResizeInput),
  'terminal.ack': method<null>()(terminalAckInput),
  'terminal.close': method<null>()(terminalCloseInput),

  'boot.status': method<BootStatus>()(empty),
  'boot.configure': method<BootStatus>()(bootConfigSchema.partial().strict()),
  'boot.start': method<BootStatus>()(empty),
  'boot.stop': method<BootStatus>()(empty),
  'boot.interfaces': method<NetworkInterfaceInfo[]>()(empty),

  'profiles.list': method<Profile[]>()(empty),
  'profiles.get': method<Profile>()(z.object({ id: z.string().min(1).max(100) }).strict()),
  'profiles.create': method<Profile>()(profileCreateInput.strict()),
  'profiles.clone': method<Profile>()(profileCloneInput.strict()),
  'profiles.update': method<Profile>()(profileUpdateInput.strict()),
  'profiles.remove': method<{ id: string }>()(z.object({ id: z.string().min(1).max(100) }).strict()),

  'assets.list': method<AssetStatus[]>()(empty),
  /** Starts a resumable, checksum-verified download job; returns the job. */
  'assets.download': method<Job>()(assetDownloadInput.strict()),
  /** Starts a job that copies and verifies a local file (offline users); returns the job. */
  'assets.import': method<Job>()(assetImportInput.strict()),

  'jobs.list': method<Job[]>()(
    z
      .object({ limit: z.number().int().min(1).max(500).default(100), nodeId: nodeIdSchema.optional() })
      .strict()
      .default({ limit: 100 }),
  ),
  'jobs.get': method<Job>()(byId),
  'jobs.logs': method<JobLogLine[]>()(
    z
      .object({
        id: nodeIdSchema,
        afterSeq: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000).default(1000),
      })
      .strict(),
  ),
  'jobs.cancel': method<Job>()(byId),

  'events.list': method<AuditEvent[]>()(
    z
      .object({
        limit: z.number().int().min(1).max(1000).default(200),
        beforeId: z.number().int().positive().optional(),
        subjectId: z.string().max(64).optional(),
      })
      .strict()
      .default({ limit: 200 }),
  ),

  'settings.get': method<Settings>()(empty),
  'settings.update': method<Settings>()(settingsSchema.partial().strict()),

  /** Whether QEMU is here (and what to install if not), the network mode and why, the nodes. */
  'vlab.status': method<VlabStatus>()(empty),
  /**
   * Lab-wide settings: the bridged lab's shape (Rackpilot as DHCP server, or a home router with
   * Rackpilot as proxyDHCP). Refused with E_CONFLICT while bridged nodes run. Returns the status.
   */
  'vlab.configure': method<VlabStatus>()(vlabConfigureInput),
  /** Creates stopped virtual nodes, each with an empty disk and an inventory node (by MAC). */
  'vlab.create': method<VirtualNode[]>()(vlabCreateInput),
  /** Resolves once QEMU runs and answers on QMP; the firmware then network-boots. */
  'vlab.start': method<VirtualNode>()(vlabIdInput),
  /** ACPI power button, then the plug after a grace period; `force` pulls the plug at once. */
  'vlab.stop': method<VirtualNode>()(vlabStopInput),
  'vlab.reset': method<VirtualNode>()(vlabIdInput),
  /** Stops the VM and deletes its disk and console; needs `confirm: true`. */
  'vlab.destroy': method<{ id: string; nodeRemoved: boolean }>()(vlabDestroyInput),
  'vlab.console': method<VlabConsoleTail>()(vlabConsoleInput),
  /** The lab OS image built on this machine, and whether the asset cache serves it. */
  'vlab.labImage': method<LabImageStatus>()(empty),
  /** Imports the built lab image's three files into the asset cache (one job per file, checksums from its manifest). */
  'vlab.useLabImage': method<Job[]>()(empty),

  /** Power through the node's power driver (virtual nodes: `qemu`). */
  'nodes.power': method<PowerStatus>()(nodePowerInput),
  'nodes.powerStatus': method<PowerStatus>()(byId),

  /** Stacks on a node (or `local`): the stored ones and those docker compose started there. */
  'stacks.list': method<StackSummary[]>()(stackListInput),
  /** The engine's version and how Rackpilot reaches it (stream forwarding, dial-stdio, local socket). */
  'stacks.engine': method<EngineInfo>()(stackListInput),
  'stacks.get': method<StackDetail>()(stackRefInput),
  /** Writes the stack's folder (compose.yaml, .env, variables); saved even with issues, which it returns. */
  'stacks.save': method<StackDetail>()(stackSaveInput),
  /** Parses, interpolates and validates without saving (the editor's markers). */
  'stacks.validate': method<{ issues: ComposeIssue[]; services: string[] }>()(stackValidateInput),
  /** What applying would change on the node; nothing changes. */
  'stacks.plan': method<StackPlan>()(stackPlanInput),
  /** Starts the deploy job (pull with per-image progress on `stacks.pull`, then networks, volumes, containers). */
  'stacks.apply': method<Job>()(stackApplyInput),
  /** Starts a job that removes the stack's containers and networks; volumes only with removeVolumes + confirmName. */
  'stacks.down': method<Job>()(stackDownInput),
  'stacks.service': method<StackSummary>()(stackServiceInput),
  /** Long-lived: progress carries batches of log lines; ends when the caller cancels (or at the end without follow). */
  'stacks.logs': method<null, StackLogLine[]>()(stackLogsInput),
  'stacks.stats': method<ContainerStats[]>()(stackRefInput),
  'stacks.templates': method<StackTemplate[]>()(empty),
  /** Stores a new stack from a template with the user's values (not applied yet). */
  'stacks.createFromTemplate': method<StackDetail>()(stackFromTemplateInput),
  /** Deletes the stored folder and history (not the containers); the caller repeats the name. */
  'stacks.remove': method<{ nodeId: string; name: string }>()(stackRemoveInput),

  /** Clusters Rackpilot knows (issue 7), stored in its data dir. */
  'clusters.list': method<Cluster[]>()(empty),
  'clusters.get': method<Cluster>()(clusterRefInput),
  /** Creates or updates a cluster's spec; returns the inventory checks' findings (saved anyway). */
  'clusters.save': method<ClusterSaveResult>()(clusterSaveInput),
  /** The spec checked against the inventory now, without saving. */
  'clusters.check': method<ClusterSpecIssue[]>()(clusterSaveInput),
  /** Forgets a cluster that is a draft or torn down (its backups stay on disk); repeat its name. */
  'clusters.remove': method<{ name: string }>()(clusterConfirmInput),
  /** A job (kind `cluster.preflight`) whose result is a PreflightReport. */
  'clusters.preflight': method<Job>()(clusterRefInput),
  /** The bootstrap job: resumes where an earlier run stopped (done phases are detected and skipped). */
  'clusters.bootstrap': method<Job>()(clusterRefInput),
  /** Nodes, kube-system pods and certificate expiry, through the fetched kubeconfig. */
  'clusters.status': method<ClusterStatus>()(clusterRefInput),
  'clusters.kubeconfig': method<KubeconfigFile>()(clusterRefInput),
  /** Merges the cluster's context into ~/.kube/config (backup first; other contexts untouched). */
  'clusters.mergeKubeconfig': method<KubeconfigMergeResult>()(clusterMergeKubeconfigInput),
  /** What a teardown would remove and what would be lost, for the confirmation. Changes nothing. */
  'clusters.teardownPlan': method<TeardownPlan>()(clusterRefInput),
  /** Backup (etcd snapshot, PKI, kubeconfig) → drain → reset → clean → wipe check. `soft`: kubeadm-level only. */
  'clusters.teardown': method<Job>()(clusterTeardownInput),
  /** A job whose result is a CleanWipeReport: what a teardown left behind on each node. */
  'clusters.wipeCheck': method<Job>()(clusterRefInput),
  /** Teardown → optional PXE reinstall → phone-home → provisioning → bootstrap → stacks; resumes an unfinished rebuild. */
  'clusters.rebuild': method<Job>()(clusterRebuildInput),

  /** Built-in and the learner's own labs, with progress; folders that did not load, with their problems. */
  'labs.list': method<LabCatalog>()(empty),
  /** A lab's steps (placeholders filled while it runs; never a solution) and its run. */
  'labs.get': method<LabDetail>()(labRefInput),
  /** Start (or restart) a lab on chosen nodes: role → node. Points their Docker at the lab registry when one is set. */
  'labs.start': method<LabDetail, string>()(labStartInput),
  /** Make practice-rack nodes for the lab (installed unless the lab boots them itself), then start it on them. */
  'labs.startPractice': method<Job>()(labPracticeInput),
  /** "Check my work": run a step's checks against the real nodes; all passing completes the step. */
  'labs.check': method<StepCheckReport>()(labCheckInput),
  /** Move to another step (revisit one done, or look ahead). */
  'labs.goto': method<LabDetail>()(labStepInput),
  /** A step's solution, shown only when asked (recorded in the progress). */
  'labs.solution': method<{ markdown: string }>()(labStepInput),
  /** Back to the lab's starting point: progress cleared; nodes reinstalled where the lab says so. Confirm with the lab id. */
  'labs.reset': method<Job>()(labResetInput),
  /** Stop following the lab: progress forgotten, nodes left as they are. */
  'labs.stop': method<{ labId: string }>()(labStopInput),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = Exclude<Methods[M]['__output'], undefined>;
export type MethodProgress<M extends MethodName> = Exclude<Methods[M]['__progress'], undefined>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** Pushed to every connected client; payload types by channel. */
export interface Events {
  'nodes.changed': { op: 'upsert'; node: Node } | { op: 'remove'; id: string };
  'jobs.changed': Job;
  'jobs.log': JobLogLine;
  'events.appended': AuditEvent;
  'boot.status': BootStatus;
  'profiles.changed': { op: 'upsert'; profile: Profile } | { op: 'remove'; id: string };
  'recipes.step': RecipeStepEvent;
  'ssh.status': SshConnectionStatus;
  'vlab.changed': { op: 'upsert'; node: VirtualNode } | { op: 'remove'; id: string };
  /** A stack's stored files, history or containers changed (Rackpilot's own actions). */
  'stacks.changed': { nodeId: string; name: string };
  'stacks.pull': ImagePullProgress;
  /** A cluster's record changed (saved, bootstrapped, torn down, removed). */
  'clusters.changed': { op: 'upsert'; cluster: Cluster } | { op: 'remove'; name: string };
  /** A lab's run changed (started, checked, moved, reset, stopped: run null). */
  'labs.changed': { labId: string; run: LabRun | null };
}
export type EventChannel = keyof Events;
export const EVENT_CHANNELS: readonly EventChannel[] = [
  'nodes.changed',
  'jobs.changed',
  'jobs.log',
  'events.appended',
  'boot.status',
  'profiles.changed',
  'recipes.step',
  'ssh.status',
  'vlab.changed',
  'stacks.changed',
  'stacks.pull',
  'clusters.changed',
  'labs.changed',
];

export type { CleanWipeReport, ConnectivityResult };
