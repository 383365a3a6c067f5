/**
 * Kubernetes clusters (issue 7): the service behind the `clusters.*` methods. It keeps cluster
 * records in the data dir and runs the long work as jobs — preflight, bootstrap, teardown, wipe
 * check, rebuild — one at a time per cluster, updating the record as each ends so the Clusters
 * page always shows where a cluster stands, even after a crash.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { checkClusterSpec, type ClusterSpec, type ClusterSpecIssue } from '../../../shared/domain/cluster';
import type { Diagnosis } from '../../../shared/domain/cluster-diagnosis';
import type { CleanWipeReport, Cluster, ClusterBackup, ClusterSaveResult, ClusterState, ClusterStatus, KubeconfigFile, KubeconfigMergeResult, TeardownPlan } from '../../../shared/domain/cluster-record';
import type { Job } from '../../../shared/domain/job';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { JobContext, JobsService } from '../jobs/jobs-service';
import type { Logger } from '../log';
import type { NodesService } from '../nodes/nodes-service';
import type { SshService } from '../ssh/ssh-service';
import { BOOTSTRAP_PHASES, runBootstrap } from './bootstrap';
import { requireMembers, teardownOrder, type NodeLookup } from './cluster-members';
import { ClusterStore } from './cluster-store';
import { clusterKubeconfig, mergeKubeconfig } from './kubeconfig';
import { runPreflight } from './preflight';
import { sshRemote, type KubeNode, type Remote } from './remote';
import { REBUILD_PHASES, runRebuild } from './rebuild/rebuild-job';
import type { RebuildDeps } from './rebuild/rebuild-deps';
import { renderCluster } from './render/render-cluster';
import { readCertificates, readClusterStatus } from './status';
import { BACKUP_FAILED, checkCleanWipe, planTeardown, runTeardown, TEARDOWN_PHASES } from './teardown';

export interface ClustersServiceDeps {
  dataDir: string;
  nodes: NodesService;
  ssh: SshService;
  jobs: JobsService;
  audit: AuditLog;
  bus: EventBus;
  log: Logger;
  /** Where "merge into kubeconfig" writes by default (tests point it into a temp dir). */
  defaultKubeconfigPath?: string;
  /** What a rebuild needs from boot, power and stacks (wired by the app). */
  rebuild: RebuildWiring;
}

/** The rebuild's seams that live outside the cluster service. */
export type RebuildWiring = Pick<RebuildDeps, 'requestInstall' | 'reboot' | 'installTimeoutMs' | 'storedStacks' | 'applyStack'>;

/** What a job body gets besides its context: the cluster's record, to read and update. */
export interface ClusterJobScope {
  cluster: Cluster;
  update(changes: Partial<Cluster>): Cluster;
}

export class ClustersService {
  readonly store: ClusterStore;
  readonly remote: Remote;
  /** One job at a time per cluster: name → job id. */
  private readonly busy = new Map<string, string>();

  constructor(readonly deps: ClustersServiceDeps) {
    this.store = new ClusterStore(deps.dataDir);
    this.remote = sshRemote(deps.ssh);
  }

  list(): Cluster[] {
    return this.store.list();
  }

  get(name: string): Cluster {
    const cluster = this.store.read(name);
    if (!cluster) throw new RackpilotError(ErrorCode.NotFound, `There is no cluster named ${name}: it may have been removed. Refresh the Clusters page.`);
    return cluster;
  }

  check(spec: ClusterSpec): ClusterSpecIssue[] {
    return checkClusterSpec(spec, this.deps.nodes.list());
  }

  /** Creates or updates the spec. The members of a built cluster cannot change under it. */
  save(spec: ClusterSpec): ClusterSaveResult {
    const before = this.store.read(spec.name);
    if (before && this.busy.has(spec.name)) throw this.busyError(spec.name);
    if (before && !['draft', 'failed', 'torn-down'].includes(before.state) && !sameMembers(before.spec, spec)) {
      throw new RackpilotError(
        ErrorCode.Conflict,
        `Cluster ${spec.name} is ${before.state}: its nodes cannot change while it exists. Tear it down first, or create a new cluster.`,
      );
    }
    const now = new Date().toISOString();
    const cluster: Cluster = before
      ? { ...before, spec, updatedAt: now }
      : { name: spec.name, spec, state: 'draft', endpoint: null, hasKubeconfig: false, lastJobId: null, diagnoses: [], backups: [], rebuild: null, createdAt: now, updatedAt: now };
    this.store.write(cluster);
    this.deps.audit.record({ actor: 'user', kind: before ? 'cluster.updated' : 'cluster.created', subjectId: null, summary: `Cluster ${spec.name} ${before ? 'updated' : 'created'}`, data: { cluster: spec.name } });
    this.publish(cluster);
    return { cluster, issues: this.check(spec) };
  }

  remove(name: string, confirmName: string): { name: string } {
    const cluster = this.get(name);
    this.confirm(cluster, confirmName, 'Forgetting');
    if (this.busy.has(name)) throw this.busyError(name);
    if (!['draft', 'torn-down', 'failed'].includes(cluster.state)) {
      throw new RackpilotError(ErrorCode.Conflict, `Cluster ${name} is ${cluster.state}: tear it down before removing it, so its nodes are not left running a cluster Rackpilot no longer knows.`);
    }
    this.store.remove(name);
    this.deps.audit.record({ actor: 'user', kind: 'cluster.removed', subjectId: null, summary: `Cluster ${name} removed (its backups stay in ${this.store.folder(name)})`, data: { cluster: name } });
    this.deps.bus.publish('clusters.changed', { op: 'remove', name });
    return { name };
  }

  preflight(name: string): Job {
    const cluster = this.get(name);
    const members = this.members(cluster);
    return this.exclusive(cluster, { kind: 'cluster.preflight', title: `Preflight of cluster ${name}`, phases: ['Checking nodes'] }, (ctx) =>
      runPreflight(this.remote, {
        clusterName: name,
        spec: cluster.spec,
        nodes: members,
        signal: ctx.signal,
        onNode: (_id: string, done: number, total: number) => ctx.progress(done / Math.max(1, total)),
      }),
    );
  }

  bootstrap(name: string): Job {
    const cluster = this.get(name);
    if (cluster.state === 'tearing-down') throw new RackpilotError(ErrorCode.Conflict, `Cluster ${name} is being torn down; wait for that to finish.`);
    const members = this.members(cluster);
    const rendered = renderCluster(cluster.spec, members);
    return this.exclusive(cluster, { kind: 'cluster.bootstrap', title: `Bootstrap cluster ${name}`, phases: [...BOOTSTRAP_PHASES] }, async (ctx, scope) => {
      scope.update({ state: 'bootstrapping', diagnoses: [] });
      try {
        const result = await runBootstrap({ remote: this.remote, ssh: this.deps.ssh }, { spec: cluster.spec, nodes: members, rendered }, ctx);
        this.store.writeKubeconfig(name, result.adminKubeconfig);
        scope.update({ state: 'ready', endpoint: result.endpoint });
        return result.phases;
      } catch (err) {
        scope.update({ state: 'failed', diagnoses: diagnosesOf(err) });
        throw err;
      }
    });
  }

  async status(name: string, signal?: AbortSignal): Promise<ClusterStatus> {
    const cluster = this.get(name);
    const kubeconfig = this.kubeconfig(name).yaml;
    const status = await readClusterStatus({ clusterName: name, kubeconfig, ...(signal ? { signal } : {}) });
    const init = this.members(cluster).find((m) => m.init);
    const certificates = init ? await readCertificates(this.remote, init, signal).catch(() => null) : null;
    return { ...status, certificates };
  }

  kubeconfig(name: string): KubeconfigFile {
    const cluster = this.get(name);
    const admin = this.store.readKubeconfig(name);
    if (!admin || !cluster.endpoint) {
      throw new RackpilotError(ErrorCode.NotFound, `Cluster ${name} has no kubeconfig yet: it is fetched when the bootstrap reaches its Kubeconfig phase. Bootstrap the cluster first.`);
    }
    const { yaml, contextName } = clusterKubeconfig(admin, { clusterName: name, endpoint: cluster.endpoint });
    return { yaml, contextName, fileName: `${name}.kubeconfig` };
  }

  mergeKubeconfig(name: string, path?: string): KubeconfigMergeResult {
    const file = this.kubeconfig(name);
    const target = path ?? this.deps.defaultKubeconfigPath ?? defaultKubeconfigPath();
    // A rebuild makes a new CA: entries of earlier builds (their admin.conf is in the backups) are replaced, not refused.
    const earlierKubeconfigs = this.get(name).backups
      .map((b) => join(b.dir, 'admin.conf'))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'));
    const result = mergeKubeconfig({ path: target, incoming: file.yaml, contextName: file.contextName, earlierKubeconfigs });
    this.deps.audit.record({ actor: 'user', kind: 'cluster.kubeconfig-merged', subjectId: null, summary: `Context ${file.contextName} merged into ${result.path}${result.backupPath ? ` (backup ${result.backupPath})` : ''}`, data: { cluster: name } });
    return result;
  }

  async teardownPlan(name: string, signal?: AbortSignal): Promise<TeardownPlan> {
    const cluster = this.get(name);
    const members = teardownOrder(this.members(cluster));
    return planTeardown(this.remote, { clusterName: name, nodes: members, backupDir: this.store.newBackupDir(name), ...(signal ? { signal } : {}) });
  }

  teardown(name: string, confirmName: string, mode: 'full' | 'soft'): Job {
    const cluster = this.get(name);
    this.confirm(cluster, confirmName, 'Tearing down');
    const members = teardownOrder(this.members(cluster));
    const title = `${mode === 'soft' ? 'Soft reset' : 'Tear down'} cluster ${name}`;
    return this.exclusive(cluster, { kind: 'cluster.teardown', title, phases: [...TEARDOWN_PHASES] }, (ctx, scope) => this.runTeardownIn(scope, members, mode, ctx));
  }

  /** The teardown body, shared with the rebuild job. */
  async runTeardownIn(scope: ClusterJobScope, members: KubeNode[], mode: 'full' | 'soft', ctx: JobContext, reason?: ClusterBackup['reason']): Promise<{ wipe: CleanWipeReport; backupDir: string | null; warnings: string[] }> {
    const name = scope.cluster.name;
    const prior = scope.cluster.state;
    scope.update({ state: 'tearing-down' });
    try {
      const result = await runTeardown(
        { remote: this.remote },
        { clusterName: name, nodes: members, mode, backupDir: this.store.newBackupDir(name), reason: reason ?? (mode === 'soft' ? 'soft-reset' : 'teardown'), ...(scope.cluster.endpoint ? { endpoint: scope.cluster.endpoint } : {}) },
        ctx,
      );
      for (const warning of result.warnings) ctx.log(`Warning: ${warning}`, 'stderr');
      const backups = result.backup ? [...scope.cluster.backups, result.backup] : scope.cluster.backups;
      this.store.removeKubeconfig(name);
      scope.update({ state: 'torn-down', endpoint: null, backups, diagnoses: [] });
      return { wipe: result.wipe, backupDir: result.backup?.dir ?? null, warnings: result.warnings };
    } catch (err) {
      // A failed backup removed nothing: the cluster stays as it was. Otherwise it is part-way gone.
      const untouched = ctx.signal.aborted || (err instanceof RackpilotError && err.code === BACKUP_FAILED) || prior === 'draft';
      scope.update({ state: untouched ? prior : 'failed', diagnoses: diagnosesOf(err) });
      throw err;
    }
  }

  /** Teardown → optional reinstall → phone-home → provisioning → bootstrap → stacks; resumes an unfinished rebuild. */
  rebuild(name: string, confirmName: string, options: { reinstall: boolean; reapplyStacks: boolean }): Job {
    const cluster = this.get(name);
    this.confirm(cluster, confirmName, 'Rebuilding');
    const members = this.members(cluster);
    const resuming = cluster.rebuild !== null && cluster.rebuild.step !== 'done';
    const title = `${resuming ? 'Resume rebuild of' : 'Rebuild'} cluster ${name} (${members.map((m) => m.name).join(', ')})${options.reinstall ? ' with OS reinstall' : ''}`;
    const deps: RebuildDeps = {
      ...this.deps.rebuild,
      nodes: this.deps.nodes,
      ssh: this.deps.ssh,
      remote: this.remote,
      lookup: this.lookup,
      teardown: (scope, order, mode, ctx) => this.runTeardownIn(scope, order, mode, ctx, 'rebuild'),
      saveKubeconfig: (clusterName, adminConf) => this.store.writeKubeconfig(clusterName, adminConf),
    };
    return this.exclusive(cluster, { kind: 'cluster.rebuild', title, phases: [...REBUILD_PHASES] }, async (ctx, scope) => {
      try {
        return await runRebuild(deps, scope, options, ctx);
      } catch (err) {
        // The record keeps the step reached: starting the rebuild again resumes there.
        if (!ctx.signal.aborted) scope.update({ state: 'failed', diagnoses: diagnosesOf(err) });
        throw err;
      }
    });
  }

  wipeCheck(name: string): Job {
    const cluster = this.get(name);
    const members = this.members(cluster);
    return this.exclusive(cluster, { kind: 'cluster.wipe-check', title: `Wipe check of cluster ${name}`, phases: ['Checking nodes'] }, (ctx) =>
      checkCleanWipe(this.remote, members, ctx.signal),
    );
  }

  /** Members resolved against the inventory now (addresses and pins may have changed since the spec was saved). */
  members(cluster: Cluster): ReturnType<typeof requireMembers> {
    return requireMembers(cluster.name, cluster.spec, this.lookup);
  }

  readonly lookup: NodeLookup = (id) => {
    try {
      return this.deps.nodes.get(id);
    } catch {
      return null;
    }
  };

  /** Runs a job that owns the cluster until it ends; the record's lastJobId points at it. */
  exclusive<R>(cluster: Cluster, spec: { kind: string; title: string; phases: string[] }, body: (ctx: JobContext, scope: ClusterJobScope) => Promise<R>): Job {
    const name = cluster.name;
    if (this.busy.has(name)) throw this.busyError(name);
    let current = cluster;
    const scope: ClusterJobScope = {
      get cluster() {
        return current;
      },
      update: (changes) => {
        current = { ...(this.store.read(name) ?? current), ...changes, updatedAt: new Date().toISOString() };
        this.store.write(current);
        this.publish(current);
        return current;
      },
    };
    const job = this.deps.jobs.start(spec, async (ctx) => {
      try {
        return await body(ctx, scope);
      } finally {
        this.busy.delete(name);
      }
    });
    this.busy.set(name, job.id);
    scope.update({ lastJobId: job.id });
    return job;
  }

  private publish(cluster: Cluster): void {
    this.deps.bus.publish('clusters.changed', { op: 'upsert', cluster });
  }

  private busyError(name: string): RackpilotError {
    return new RackpilotError(ErrorCode.Conflict, `Cluster ${name} is busy with job ${this.busy.get(name) ?? ''}: wait for it to finish or cancel it on the Activity page.`);
  }

  confirm(cluster: Cluster, confirmName: string, what: string): void {
    if (confirmName === cluster.name) return;
    throw new RackpilotError(ErrorCode.ConfirmationRequired, `${what} cluster ${cluster.name} cannot be undone. Type its name exactly ("${cluster.name}") to confirm.`, {
      issues: [{ path: ['confirmName'], message: `Type "${cluster.name}" to confirm` }],
    });
  }
}

/** Where kubectl looks first: the first entry of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p.trim() !== '');
  return first ?? join(homedir(), '.kube', 'config');
}

function sameMembers(a: ClusterSpec, b: ClusterSpec): boolean {
  return a.controlPlane.join() === b.controlPlane.join() && a.workers.join() === b.workers.join();
}

/** Diagnoses travel in a RackpilotError's details as { diagnoses } (the bootstrap and teardown put them there). */
export function diagnosesOf(err: unknown): Diagnosis[] {
  if (!(err instanceof RackpilotError) || typeof err.details !== 'object' || err.details === null) return [];
  const list = (err.details as { diagnoses?: unknown }).diagnoses;
  return Array.isArray(list) ? (list as Diagnosis[]) : [];
}

export type { ClusterState };
