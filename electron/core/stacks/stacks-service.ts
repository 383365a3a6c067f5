/**
 * Compose stacks on nodes (issue 6): the service behind the `stacks.*` methods. It ties the
 * store (files and history), the compose loader, the engine connector (local socket or SSH), the
 * planner and engine, and the jobs that deploy and take stacks down. Reading methods answer
 * directly; changing a stack's containers is a job, so it shows progress and can be cancelled.
 */
import type { ComposeIssue, ContainerStats, EngineInfo, StackDetail, StackFiles, StackLogLine, StackPlan, StackSummary, StackTemplate } from '../../../shared/domain/stack';
import { LOCAL_ENGINE, stackNameSchema } from '../../../shared/domain/stack';
import type { Job } from '../../../shared/domain/job';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { JobContext, JobsService } from '../jobs/jobs-service';
import type { Logger } from '../log';
import type { NodesService } from '../nodes/nodes-service';
import { isAbortError } from '../rpc/errors';
import type { SshService } from '../ssh/ssh-service';
import { runDeploy, RECORD_PHASE, UPLOAD_PHASE } from './deploy-job';
import { EngineConnector } from './docker/engine-connector';
import { runDown } from './down-job';
import { APPLY_PHASES } from './engine/apply';
import { listProjects, type DiscoveredProject } from './engine/discover';
import { serviceAction, type ServiceAction } from './engine/service-actions';
import { NodeWorkspace } from './node-workspace';
import { followStackLogs, type StackLogOptions } from './observe/logs';
import { stackStats } from './observe/stats';
import { loadDetached, loadForEditor, loadForEngine } from './stack-loader';
import { placeOf, targetOf, type StackPlace } from './stack-place';
import { planOnEngine, toStackPlan } from './stack-plan';
import { StackStore, type StoredStack } from './stack-store';
import { stackSummary } from './stack-summary';
import { fillTemplate, findTemplate, listTemplates } from './templates';

const PAST: Record<ServiceAction, string> = { start: 'Started', stop: 'Stopped', restart: 'Restarted' };

export interface StacksServiceDeps {
  dataDir: string;
  nodes: NodesService;
  ssh: SshService;
  jobs: JobsService;
  audit: AuditLog;
  bus: EventBus;
  log: Logger;
  /** This computer's Docker socket (default /var/run/docker.sock). */
  localSocket?: string;
}

export class StacksService {
  readonly store: StackStore;
  private readonly engines: EngineConnector;
  private readonly workspace: NodeWorkspace;
  /** One deploy or down at a time per stack: "node/name" → the job doing it. */
  private readonly busy = new Map<string, string>();
  private readonly used = new Set<string>();

  constructor(private readonly deps: StacksServiceDeps) {
    this.store = new StackStore(deps.dataDir);
    this.workspace = new NodeWorkspace(deps.ssh);
    this.engines = new EngineConnector({
      ssh: deps.ssh,
      log: deps.log,
      targetOf: (nodeId) => targetOf(deps.nodes, nodeId),
      ...(deps.localSocket ? { localSocket: deps.localSocket } : {}),
    });
  }

  engine(nodeId: string, signal?: AbortSignal): Promise<EngineInfo> {
    this.placeOf(nodeId);
    return this.engines.info(nodeId, signal);
  }

  async list(nodeId: string, signal?: AbortSignal): Promise<StackSummary[]> {
    const place = this.placeOf(nodeId);
    const discovered = await this.discover(place, signal);
    const names = new Set([...this.store.list(nodeId), ...discovered.map((d) => d.name)]);
    return [...names].sort().map((name) => this.summaryOf(place, name, discovered.find((d) => d.name === name) ?? null));
  }

  /**
   * The stack's files, issues, history and state. A stored stack opens even when its node is
   * unreachable (to edit it offline); the engine's error is then a warning among the issues.
   */
  async get(nodeId: string, name: string, signal?: AbortSignal): Promise<StackDetail> {
    const place = this.placeOf(nodeId);
    const stored = this.store.read(nodeId, name);
    const warnings: ComposeIssue[] = [];
    let discovered: DiscoveredProject | null = null;
    try {
      discovered = (await this.discover(place, signal)).find((d) => d.name === name) ?? null;
    } catch (err) {
      if (!stored || isAbortError(err) || signal?.aborted) throw err;
      const why = err instanceof Error ? err.message : String(err);
      warnings.push({ severity: 'warning', message: `Could not reach the Docker Engine on ${place.label}, so the stack's state is unknown: ${why}`, file: '', path: '', line: null, column: null });
    }
    if (!stored && !discovered) {
      throw new RackpilotError(ErrorCode.NotFound, `No stack ${name} on ${place.label}: it is neither stored in Rackpilot nor running there. Refresh the list.`);
    }
    const issues = stored ? loadForEditor(this.store, place, name, stored).issues : [];
    return {
      summary: this.summaryOf(place, name, discovered),
      files: stored?.files ?? null,
      issues: [...issues, ...warnings],
      versions: stored ? this.store.versions(nodeId, name) : [],
    };
  }

  /** Stores the files even when they have issues (the editor shows them); secrets stay marked. */
  async save(nodeId: string, name: string, files: StackFiles, signal?: AbortSignal): Promise<StackDetail> {
    this.placeOf(nodeId);
    const before = this.store.read(nodeId, name);
    this.store.write(nodeId, name, { files, secrets: before?.secrets ?? [] });
    this.deps.bus.publish('stacks.changed', { nodeId, name });
    return this.get(nodeId, name, signal);
  }

  validate(name: string, files: StackFiles): { issues: ComposeIssue[]; services: string[] } {
    const { project, issues } = loadDetached(name, { files, secrets: [] });
    return { issues, services: project ? Object.keys(project.services) : [] };
  }

  async plan(nodeId: string, name: string, version: number | 'current', signal?: AbortSignal): Promise<StackPlan> {
    const place = this.placeOf(nodeId);
    const stack = this.stackFor(place, name, version);
    const { docker } = await this.connect(nodeId, signal);
    const project = await loadForEngine(this.engineDeps(), place, name, stack, signal);
    return toStackPlan(nodeId, name, version, await planOnEngine(docker, project));
  }

  apply(input: { nodeId: string; name: string; version: number | 'current'; planHash?: string | undefined }): Job {
    const { nodeId, name, version } = input;
    const place = this.placeOf(nodeId);
    const stack = this.stackFor(place, name, version);
    const phases = ['Planning', ...(place.target ? [UPLOAD_PHASE] : []), ...APPLY_PHASES.slice(1), RECORD_PHASE];
    const title = `Apply stack ${name} on ${place.label}${version === 'current' ? '' : ` (roll back to version ${version})`}`;
    return this.exclusive(place, name, { kind: 'stack.apply', title, phases }, (ctx) => {
      this.used.add(nodeId);
      return runDeploy({ ...this.engineDeps(), engines: this.engines, bus: this.deps.bus, audit: this.deps.audit }, { place, name, version, stack, ...(input.planHash ? { planHash: input.planHash } : {}) }, ctx);
    });
  }

  down(input: { nodeId: string; name: string; removeVolumes: boolean; confirmName?: string | undefined }): Job {
    const { nodeId, name, removeVolumes } = input;
    if (removeVolumes && input.confirmName !== name) {
      throw new RackpilotError(ErrorCode.ConfirmationRequired, `Removing the volumes of stack ${name} deletes their data for good. Type the stack's name to confirm, or take it down without removing volumes.`);
    }
    const place = this.placeOf(nodeId);
    const stored = this.store.read(nodeId, name);
    const title = `Take stack ${name} down on ${place.label}${removeVolumes ? ' (and remove its volumes)' : ''}`;
    return this.exclusive(place, name, { kind: 'stack.down', title, phases: ['Connecting', 'Removing'] }, (ctx) => {
      this.used.add(nodeId);
      return runDown({ engines: this.engines, bus: this.deps.bus, audit: this.deps.audit }, place, name, removeVolumes, stored, ctx);
    });
  }

  async service(nodeId: string, name: string, service: string, action: ServiceAction, signal?: AbortSignal): Promise<StackSummary> {
    const place = this.placeOf(nodeId);
    const { docker } = await this.connect(nodeId, signal);
    const stored = this.store.read(nodeId, name);
    // The loaded project brings the service's stop_grace_period; a stack only on the node has none.
    const project = (stored && loadForEditor(this.store, place, name, stored).project) || name;
    const count = await serviceAction(docker, project, service, action, signal);
    this.deps.audit.record({
      actor: 'user',
      kind: 'stack.service',
      subjectId: place.target ? nodeId : null,
      summary: `${PAST[action]} service ${service} of stack ${name} on ${place.label} (${count} container${count === 1 ? '' : 's'})`,
      data: { nodeId, name, service, action },
    });
    this.deps.bus.publish('stacks.changed', { nodeId, name });
    const discovered = (await listProjects(docker, { linkHost: place.linkHost })).find((d) => d.name === name) ?? null;
    return this.summaryOf(place, name, discovered);
  }

  async logs(nodeId: string, name: string, opts: StackLogOptions, onLines: (lines: StackLogLine[]) => void, signal: AbortSignal): Promise<null> {
    this.placeOf(nodeId);
    const { docker } = await this.connect(nodeId, signal);
    await followStackLogs(docker, name, opts, onLines, signal);
    return null;
  }

  async stats(nodeId: string, name: string, signal?: AbortSignal): Promise<ContainerStats[]> {
    this.placeOf(nodeId);
    const { docker } = await this.connect(nodeId, signal);
    return stackStats(docker, name, signal);
  }

  templates(): StackTemplate[] {
    return listTemplates();
  }

  /** Stores a new stack from a template; secret answers go to its variables, never into compose.yaml. */
  async createFromTemplate(nodeId: string, name: string, templateId: string, values: Record<string, string>, signal?: AbortSignal): Promise<StackDetail> {
    const place = this.placeOf(nodeId);
    const template = findTemplate(templateId);
    if (this.store.exists(nodeId, name)) {
      throw new RackpilotError(ErrorCode.Conflict, `A stack named ${name} already exists on ${place.label}. Pick another name, or open that stack.`);
    }
    this.store.write(nodeId, name, fillTemplate(template, values));
    this.deps.audit.record({
      actor: 'user',
      kind: 'stack.created',
      subjectId: place.target ? nodeId : null,
      summary: `Created stack ${name} on ${place.label} from the ${template.title} template`,
      data: { nodeId, name, templateId },
    });
    this.deps.bus.publish('stacks.changed', { nodeId, name });
    return this.get(nodeId, name, signal);
  }

  /** Deletes the stored folder and its history; containers on the node are left as they are. */
  remove(nodeId: string, name: string, confirmName: string): { nodeId: string; name: string } {
    if (confirmName !== name) {
      throw new RackpilotError(ErrorCode.ConfirmationRequired, `Removing stack ${name} deletes its files and history from Rackpilot. Type the stack's name to confirm.`);
    }
    if (!this.store.exists(nodeId, name)) throw new RackpilotError(ErrorCode.NotFound, `No stored stack ${name} for this node; nothing to remove. Refresh the list.`);
    // A deploy still running would record its version into a folder that no longer exists.
    const running = this.busy.get(`${nodeId}/${name}`);
    if (running) {
      throw new RackpilotError(ErrorCode.Conflict, `Stack ${name} is being changed by job ${running}. Wait for it to finish (or cancel it), then remove the stack.`);
    }
    this.store.remove(nodeId, name);
    this.deps.audit.record({
      actor: 'user',
      kind: 'stack.removed',
      subjectId: nodeId === LOCAL_ENGINE ? null : nodeId,
      summary: `Removed stack ${name} from Rackpilot (its containers, if any, still run)`,
      data: { nodeId, name },
    });
    this.deps.bus.publish('stacks.changed', { nodeId, name });
    return { nodeId, name };
  }

  /** Drops the engine connections (their SSH channels); the SSH pool itself closes after. */
  close(): void {
    for (const nodeId of this.used) this.engines.forget(nodeId);
    this.used.clear();
  }

  private placeOf(nodeId: string): StackPlace {
    return placeOf(this.deps.nodes, nodeId);
  }

  private connect(nodeId: string, signal?: AbortSignal) {
    this.used.add(nodeId);
    return this.engines.connect(nodeId, signal);
  }

  private async discover(place: StackPlace, signal?: AbortSignal): Promise<DiscoveredProject[]> {
    const { docker } = await this.connect(place.nodeId, signal);
    return listProjects(docker, { linkHost: place.linkHost });
  }

  private engineDeps() {
    return { store: this.store, ssh: this.deps.ssh, workspace: this.workspace };
  }

  private stackFor(place: StackPlace, name: string, version: number | 'current'): StoredStack {
    if (version !== 'current') return this.store.readVersion(place.nodeId, name, version);
    const stored = this.store.read(place.nodeId, name);
    if (!stored) {
      throw new RackpilotError(ErrorCode.NotFound, `Stack ${name} is not stored in Rackpilot for ${place.label}. Save its compose file first (a stack only found on the node can be taken down, not planned).`);
    }
    return stored;
  }

  private summaryOf(place: StackPlace, name: string, discovered: DiscoveredProject | null): StackSummary {
    const storable = stackNameSchema.safeParse(name).success;
    const stored = storable ? this.store.read(place.nodeId, name) : null;
    const declared = stored ? Object.keys(loadForEditor(this.store, place, name, stored).project?.services ?? {}) : [];
    const appliedVersion = stored ? (this.store.latestVersion(place.nodeId, name)?.version ?? null) : null;
    return stackSummary({ nodeId: place.nodeId, name, stored: stored !== null, declared, discovered, appliedVersion });
  }

  private exclusive(place: StackPlace, name: string, spec: { kind: string; title: string; phases: string[] }, run: (ctx: JobContext) => Promise<unknown>): Job {
    const key = `${place.nodeId}/${name}`;
    const running = this.busy.get(key);
    if (running) {
      throw new RackpilotError(ErrorCode.Conflict, `Stack ${name} on ${place.label} is already being changed by job ${running}. Wait for it to finish (or cancel it), then try again.`);
    }
    const job = this.deps.jobs.start({ ...spec, nodeId: place.target ? place.nodeId : null }, run);
    this.busy.set(key, job.id);
    void this.deps.jobs
      .settled(job.id)
      .catch(() => undefined)
      .finally(() => this.busy.delete(key));
    return job;
  }
}
