/**
 * The body of a `stack.apply` job: plan again (refusing a plan the user saw if the node changed
 * since), mirror the files to the node's stack folder, apply through the Engine API with pull
 * progress on `stacks.pull`, then record what was applied as the next history version. Every
 * line, error and summary passes through the stack's redactor first: secrets never reach the
 * job log or the audit log.
 */
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { JobContext } from '../jobs/jobs-service';
import type { SshService } from '../ssh/ssh-service';
import type { EngineConnector } from './docker/engine-connector';
import { applyStack } from './engine/apply';
import { composeFileNames, type NodeWorkspace } from './node-workspace';
import { redactError, redactor, secretValues } from './secrets';
import { loadForEngine } from './stack-loader';
import type { StackPlace } from './stack-place';
import { planLines, planOnEngine, planSummary } from './stack-plan';
import { stackDigest, type StackStore, type StoredStack } from './stack-store';

export interface DeployDeps {
  store: StackStore;
  ssh: SshService;
  workspace: NodeWorkspace;
  engines: EngineConnector;
  bus: EventBus;
  audit: AuditLog;
}

export interface DeployRequest {
  place: StackPlace;
  name: string;
  /** The files to apply: the current ones or a history version (rollback). */
  version: number | 'current';
  stack: StoredStack;
  planHash?: string;
}

export interface DeployResult {
  /** The history version now running; null when nothing was recorded (never applied and a no-op). */
  version: number | null;
  noop: boolean;
  summary: string;
}

export const UPLOAD_PHASE = 'Uploading files';
export const RECORD_PHASE = 'Recording version';

export async function runDeploy(deps: DeployDeps, req: DeployRequest, job: JobContext): Promise<DeployResult> {
  const { place, name, stack } = req;
  const redact = redactor(secretValues(stack));
  const log = (line: string) => job.log(redact(line));
  try {
    job.phase('Planning');
    const { docker } = await deps.engines.connect(place.nodeId, job.signal);
    const project = await loadForEngine(deps, place, name, stack, job.signal);
    const plan = await planOnEngine(docker, project);
    if (req.planHash && req.planHash !== plan.planHash) {
      throw new RackpilotError(ErrorCode.Conflict, `Stack ${name} on ${place.label} changed since the plan you reviewed (or its files did). Review the new plan, then apply again.`);
    }
    planLines(plan).forEach(log);

    if (place.target) {
      job.phase(UPLOAD_PHASE);
      const folder = await deps.workspace.mirror(place.target, name, stack.files, job.signal);
      log(`Copied ${[...composeFileNames(stack.files), '.env'].join(', ')} to ${folder} on ${place.label}`);
    }

    const applied = await applyStack(docker, project, {
      signal: job.signal,
      log,
      // Planning already ran (and is shown) before the upload; the rest map onto the job's phases.
      phase: (p) => {
        if (p !== 'Planning') job.phase(p);
      },
      progress: (f) => job.progress(0.1 + 0.8 * f),
      onPull: (p) => deps.bus.publish('stacks.pull', { ...p, jobId: job.jobId, image: redact(p.image), error: p.error === null ? null : redact(p.error) }),
      expectPlanHash: plan.planHash,
    });

    job.phase(RECORD_PHASE);
    const result = record(deps.store, req, applied.noop, redact(planSummary(applied)), log);
    deps.audit.record({
      actor: 'user',
      kind: 'stack.applied',
      subjectId: place.target ? place.nodeId : null,
      summary: `Applied stack ${name} on ${place.label}${result.version ? ` (version ${result.version})` : ''}: ${result.summary}`,
      data: { nodeId: place.nodeId, name, version: result.version, rollbackTo: req.version === 'current' ? null : req.version, noop: result.noop },
    });
    return result;
  } catch (err) {
    throw redactError(err, redact);
  } finally {
    deps.bus.publish('stacks.changed', { nodeId: place.nodeId, name });
  }
}

/**
 * Records the applied files as the next version — unless nothing changed at all (a no-op apply
 * of the files already recorded). A rollback also makes the rolled-back files the current ones,
 * unless the current files hold edits that were never applied (those are kept, and said so).
 */
function record(store: StackStore, req: DeployRequest, noop: boolean, summary: string, log: (line: string) => void): DeployResult {
  const { place, name, stack } = req;
  const latest = store.latestVersion(place.nodeId, name);
  const rollback = req.version !== 'current';
  let version = latest?.version ?? null;
  if (!noop || !latest || latest.digest !== stackDigest(stack.files)) {
    const text = rollback ? `rollback to version ${req.version}: ${summary}` : summary;
    version = store.recordVersion(place.nodeId, name, stack, text).version;
    log(`Recorded as version ${version}`);
  }
  if (rollback) {
    const current = store.read(place.nodeId, name);
    if (current && latest && stackDigest(current.files) !== latest.digest && stackDigest(current.files) !== stackDigest(stack.files)) {
      log(`The stack's current files hold edits that were never applied; they are kept. Plan the current files to apply them, or edit them to match version ${req.version}.`);
    } else {
      store.write(place.nodeId, name, stack);
    }
  }
  return { version, noop, summary: rollback ? `rollback to version ${req.version}: ${summary}` : summary };
}
