/**
 * Guided labs (issue 8): the service behind the `labs.*` methods. Labs are read from their
 * folders on every call (a contributor's edit shows on the next refresh); a learner's progress is
 * one run file per lab. Checks run against the real nodes of the run, in parallel; the run is
 * changed under a per-lab lock, so a check finishing while the learner moves on cannot lose either.
 */
import type { Lab, LabCatalog, LabDetail, LabRun, StepCheckReport } from '../../../shared/domain/lab';
import type { Job } from '../../../shared/domain/job';
import type { Node } from '../../../shared/domain/node';
import { ErrorCode, fieldError, RackpilotError } from '../../../shared/errors';
import type { JobContext } from '../jobs/jobs-service';
import { targetFromNode } from '../ssh/target';
import { readBootIds } from './checks/boot-ids';
import { runCheck } from './checks/run-check';
import { fillCheck, fillPlaceholders } from './format/placeholders';
import { detailOf, summaryOf } from './lab-views';
import type { LabsServiceDeps } from './labs-deps';
import { LabSource } from './lab-source';
import { placeholderValues } from './place-values';
import { makePracticeNodes, PRACTICE_PHASES } from './practice-job';
import { pointDockerAtRegistry } from './registry-mirror';
import { reinstallNodes, reinstallPlan, RESET_PHASES } from './reset-job';
import { clearedRun, fitToLab, needsReaching, newRun, reach, recordCheck } from './run-progress';
import { RunStore } from './run-store';

export type { LabsServiceDeps } from './labs-deps';

export class LabsService {
  readonly store: RunStore;
  readonly source: LabSource;
  /** Lab id → the practice or reset job working on it. */
  private readonly busy = new Map<string, string>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(readonly deps: LabsServiceDeps) {
    this.store = new RunStore(deps.dataDir);
    this.source = new LabSource(deps.labsDir, deps.userLabsDir);
  }

  list(): LabCatalog {
    const { labs, broken } = this.source.load();
    const runs = this.store.all();
    return { labs: labs.map((lab) => summaryOf(lab, this.fitted(lab, runs.get(lab.manifest.id) ?? null))), broken, userLabsDir: this.deps.userLabsDir };
  }

  get(labId: string): LabDetail {
    return this.detail(this.source.lab(labId));
  }

  /** Starts (or restarts) the lab on the given nodes: role → node id. */
  start(labId: string, assignment: Record<string, string>, progress: (line: string) => void = () => {}, signal?: AbortSignal): Promise<LabDetail> {
    const lab = this.source.lab(labId);
    if (this.busy.has(labId)) throw this.busyError(labId);
    return this.begin(lab, assignment, progress, signal);
  }

  startPractice(labId: string): Job {
    const lab = this.source.lab(labId);
    return this.exclusive(labId, { kind: 'lab.practice', title: `Practice nodes for ${lab.manifest.title}`, phases: [...PRACTICE_PHASES] }, async (ctx) => {
      const assignment = await makePracticeNodes(this.deps.practice, lab.manifest, ctx);
      await this.begin(lab, assignment, (line) => ctx.log(line), ctx.signal);
      return { labId, nodes: assignment };
    });
  }

  private async begin(lab: Lab, assignment: Record<string, string>, progress: (line: string) => void, signal?: AbortSignal): Promise<LabDetail> {
    const labId = lab.manifest.id;
    const nodes = this.assign(lab, assignment);
    await this.pointDocker(nodes, progress, signal);
    progress('Reading the nodes\' boot ids (the start for "reboot the node" checks)');
    const bootIds = await readBootIds(this.deps.ssh, nodes, signal);
    const run = await this.locked(labId, () => {
      const fresh = newRun(labId, Object.fromEntries(Object.entries(nodes).map(([role, n]) => [role, n.id])), lab.steps.length, { at: now(), bootIds });
      this.save(fresh);
      return fresh;
    });
    const who = Object.entries(nodes).map(([role, n]) => `${role}: ${n.name}`).join(', ');
    this.deps.audit.record({ actor: 'user', kind: 'lab.started', subjectId: null, summary: `Started lab "${lab.manifest.title}"${who ? ` on ${who}` : ''}`, data: { labId, nodes: run.nodes } });
    return this.detail(lab);
  }

  /** "Check my work": every check of the step, in parallel, against the run's nodes. */
  /**
   * Runs a step's checks. A check the learner asked for goes on the Activity page; an automatic
   * re-check (every few seconds while the learner works) only when it completes the step.
   */
  async check(labId: string, step: number | undefined, signal?: AbortSignal, auto = false): Promise<StepCheckReport> {
    const lab = this.source.lab(labId);
    const run = this.requireRun(lab);
    const index = step ?? run.currentStep;
    const s = this.stepOf(lab, index);
    const nodes = this.nodesOf(run);
    const values = this.values(nodes);
    const progress = run.steps[index];
    const target = { nodes, reachedAt: progress?.reachedAt ?? null, bootIds: progress?.bootIds ?? {} };
    const results = await Promise.all(s.checks.map((c) => runCheck(fillCheck(c, values), target, this.deps.checks, signal)));
    return this.locked(labId, async () => {
      const current = this.store.read(labId);
      // Stopped or restarted while the checks ran: report what was seen, record nothing.
      if (!current || current.startedAt !== run.startedAt) return { labId, step: index, passed: results.every((r) => r.status === 'pass'), results, advanced: false };
      const outcome = recordCheck(fitToLab(current, lab.steps.length), index, results, now());
      let next = outcome.run;
      if (outcome.movedTo !== null) next = reach(next, outcome.movedTo, { at: now(), bootIds: await readBootIds(this.deps.ssh, nodes, signal) });
      this.save(next);
      if (!auto || outcome.advanced) {
        const passing = results.filter((r) => r.status === 'pass').length;
        const summary = `${auto ? 'Auto-check' : 'Checked'} step ${index + 1} of "${lab.manifest.title}": ${passing} of ${results.length} checks pass${outcome.advanced ? ' — step done' : ''}`;
        this.deps.audit.record({ actor: 'user', kind: 'lab.checked', subjectId: null, summary, data: { labId, step: index, passed: outcome.passed, auto } });
      }
      return { labId, step: index, passed: outcome.passed, results, advanced: outcome.advanced };
    });
  }

  goto(labId: string, step: number, signal?: AbortSignal): Promise<LabDetail> {
    const lab = this.source.lab(labId);
    this.stepOf(lab, step);
    return this.locked(labId, async () => {
      let run: LabRun = { ...this.requireRun(lab), currentStep: step };
      if (needsReaching(run, step)) run = reach(run, step, { at: now(), bootIds: await readBootIds(this.deps.ssh, this.nodesOf(run), signal) });
      this.save(run);
      return this.detail(lab);
    });
  }

  async solution(labId: string, step: number): Promise<{ markdown: string }> {
    const lab = this.source.lab(labId);
    const s = this.stepOf(lab, step);
    if (s.solution === null) throw new RackpilotError(ErrorCode.NotFound, `Step ${step + 1} of "${lab.manifest.title}" has no written solution: its hints and the step text are all there is.`);
    const run = this.fitted(lab, this.store.read(labId));
    const markdown = fillPlaceholders(s.solution, this.values(run ? this.nodesOf(run) : {}));
    if (run && !run.steps[step]?.solutionShown) {
      await this.locked(labId, () => {
        const current = this.fitted(lab, this.store.read(labId));
        if (current) this.save({ ...current, steps: current.steps.map((p, i) => (i === step ? { ...p, solutionShown: true } : p)) });
      });
      this.deps.audit.record({ actor: 'user', kind: 'lab.solution-shown', subjectId: null, summary: `Solution of step ${step + 1} ("${s.title}") of lab "${lab.manifest.title}" shown`, data: { labId, step } });
    }
    return { markdown };
  }

  /** Progress cleared (nodes kept); nodes reinstalled first when the lab says so. */
  reset(labId: string, confirmName: string): Job {
    const lab = this.source.lab(labId);
    const reinstall = lab.manifest.reset === 'reinstall';
    if (confirmName !== labId) {
      throw new RackpilotError(ErrorCode.ConfirmationRequired, `Resetting "${lab.manifest.title}" clears its progress${reinstall ? ' and reinstalls its nodes (their disks are wiped)' : ''}. Type the lab id exactly ("${labId}") to confirm.`, {
        issues: [{ path: ['confirmName'], message: `Type "${labId}" to confirm` }],
      });
    }
    const run = this.requireRun(lab);
    const nodes = this.nodesOf(run);
    const plan = reinstall ? reinstallPlan(Object.values(nodes)) : [];
    const phases = reinstall ? [...RESET_PHASES] : [RESET_PHASES[0]];
    return this.exclusive(labId, { kind: 'lab.reset', title: `Reset lab ${lab.manifest.title}${reinstall ? ' (reinstalling its nodes)' : ''}`, phases }, async (ctx) => {
      const update = (change: (r: LabRun) => LabRun) =>
        this.locked(labId, () => {
          const current = this.store.read(labId);
          if (current) this.save(change(current));
        });
      await update((r) => ({ ...clearedRun(r, lab.steps.length), resetJobId: ctx.jobId }));
      ctx.log('Progress cleared');
      try {
        if (reinstall) await reinstallNodes(this.deps.reinstall, plan, ctx);
        const bootIds = await readBootIds(this.deps.ssh, this.nodesOf(run), ctx.signal);
        await update((r) => reach({ ...r, resetJobId: null }, 0, { at: now(), bootIds }));
      } catch (err) {
        await update((r) => ({ ...r, resetJobId: null }));
        throw err;
      }
      this.deps.audit.record({ actor: 'user', kind: 'lab.reset', subjectId: null, summary: `Lab "${lab.manifest.title}" reset${reinstall ? `; reinstalled ${plan.map((p) => p.node.name).join(', ')}` : ''}`, data: { labId } });
      return { labId, reinstalled: plan.map((p) => p.node.id) };
    });
  }

  /** Forgets the run; the nodes stay as they are. */
  stop(labId: string): { labId: string } {
    if (this.busy.has(labId)) throw this.busyError(labId);
    const run = this.store.read(labId);
    this.store.remove(labId);
    this.deps.bus.publish('labs.changed', { labId, run: null });
    if (run) this.deps.audit.record({ actor: 'user', kind: 'lab.stopped', subjectId: null, summary: `Stopped following lab ${labId}; its nodes were left as they are`, data: { labId } });
    return { labId };
  }

  private detail(lab: Lab): LabDetail {
    const run = this.fitted(lab, this.store.read(lab.manifest.id));
    const nodes = run ? this.nodesOf(run) : {};
    return detailOf(lab, run, nodes, this.values(nodes));
  }

  private fitted(lab: Lab, run: LabRun | null): LabRun | null {
    return run ? fitToLab(run, lab.steps.length) : null;
  }

  private requireRun(lab: Lab): LabRun {
    const run = this.fitted(lab, this.store.read(lab.manifest.id));
    if (!run) throw new RackpilotError(ErrorCode.Conflict, `Lab "${lab.manifest.title}" is not started: start it on your nodes (or make practice nodes for it) first.`);
    if (run.resetJobId && this.busy.get(lab.manifest.id) === run.resetJobId) throw this.busyError(lab.manifest.id);
    return run;
  }

  private stepOf(lab: Lab, index: number) {
    const step = lab.steps[index];
    if (!step) throw fieldError(ErrorCode.Validation, ['step'], `Lab "${lab.manifest.title}" has ${lab.steps.length} steps (0 to ${lab.steps.length - 1}); there is no step ${index}.`);
    return step;
  }

  /** Role → node, each role of the lab given exactly one distinct existing node. */
  private assign(lab: Lab, assignment: Record<string, string>): Record<string, Node> {
    const roles = lab.manifest.nodes.map((n) => n.role);
    for (const role of Object.keys(assignment)) {
      if (!roles.includes(role)) throw fieldError(ErrorCode.Validation, ['nodes', role], `Lab "${lab.manifest.title}" has no node role "${role}"; its roles are ${roles.join(', ') || 'none (it makes its own node)'}.`);
    }
    const nodes: Record<string, Node> = {};
    const taken = new Map<string, string>();
    for (const role of roles) {
      const id = assignment[role];
      if (!id) throw fieldError(ErrorCode.Validation, ['nodes', role], `Pick a node for the role "${role}" (${lab.manifest.nodes.find((n) => n.role === role)?.description ?? ''}).`);
      const other = taken.get(id);
      if (other) throw fieldError(ErrorCode.Validation, ['nodes', role], `The same node cannot serve both "${other}" and "${role}": pick a different node for each role.`);
      taken.set(id, role);
      const node = this.deps.nodes.list().find((n) => n.id === id);
      if (!node) throw fieldError(ErrorCode.NotFound, ['nodes', role], `The node picked for "${role}" no longer exists; pick another one.`);
      nodes[role] = node;
    }
    return nodes;
  }

  private async pointDocker(nodes: Record<string, Node>, progress: (line: string) => void, signal?: AbortSignal): Promise<void> {
    const registry = this.deps.labRegistry();
    if (!registry) return;
    for (const node of Object.values(nodes)) {
      if (!node.address) {
        progress(`${node.name} has no address yet (it is not booted): its Docker is not pointed at the lab registry ${registry}`);
        continue;
      }
      progress(`Pointing Docker on ${node.name} at the lab registry ${registry}`);
      try {
        const outcome = await pointDockerAtRegistry(this.deps.ssh, targetFromNode(node), registry, signal ? { signal } : {});
        progress(`${node.name}: ${outcome === 'no-docker' ? 'no Docker installed, skipped' : outcome === 'unchanged' ? 'already pointed at it' : 'daemon.json updated and Docker restarted'}`);
      } catch (err) {
        if (signal?.aborted) throw err;
        // A node the lab boots itself is not up yet; the lab still starts, and says so.
        progress(`${node.name}: could not point Docker at the registry (${err instanceof Error ? err.message : String(err)})`);
      }
    }
  }

  private nodesOf(run: LabRun): Record<string, Node> {
    const all = new Map(this.deps.nodes.list().map((n) => [n.id, n]));
    const nodes: Record<string, Node> = {};
    for (const [role, id] of Object.entries(run.nodes)) {
      const node = all.get(id);
      if (node) nodes[role] = node;
    }
    return nodes;
  }

  private values(nodes: Record<string, Node>) {
    return placeholderValues(nodes, this.deps.hostAddress(Object.values(nodes)), this.deps.labRegistry());
  }

  private save(run: LabRun): void {
    this.store.write(run);
    this.deps.bus.publish('labs.changed', { labId: run.labId, run });
  }

  /** Runs `fn` after every earlier change of this lab's run has finished. */
  private locked<T>(labId: string, fn: () => T | Promise<T>): Promise<T> {
    const prior = this.locks.get(labId) ?? Promise.resolve();
    const next = prior.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(labId, settled);
    void settled.then(() => {
      if (this.locks.get(labId) === settled) this.locks.delete(labId);
    });
    return next;
  }

  private exclusive<R>(labId: string, spec: { kind: string; title: string; phases: string[] }, body: (ctx: JobContext) => Promise<R>): Job {
    if (this.busy.has(labId)) throw this.busyError(labId);
    const job = this.deps.jobs.start(spec, async (ctx) => {
      this.busy.set(labId, ctx.jobId);
      try {
        return await body(ctx);
      } finally {
        if (this.busy.get(labId) === ctx.jobId) this.busy.delete(labId);
      }
    });
    return job;
  }

  private busyError(labId: string): RackpilotError {
    return new RackpilotError(ErrorCode.Conflict, `Lab ${labId} is busy with job ${this.busy.get(labId) ?? ''}: wait for it to finish or cancel it on the Activity page.`);
  }
}

function now(): string {
  return new Date().toISOString();
}
