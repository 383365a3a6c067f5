/**
 * The plan: what applying a compose project would change on the engine, and why — decided from
 * labels, image ids and config hashes alone, so planning touches nothing and an unchanged stack
 * plans as a no-op. Pure: the observed state and the local image ids come in as data.
 */
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import type { PlanAction, ResourceAction } from '../../../../shared/domain/stack';
import type { ComposeProject, ComposeService } from '../compose/model';
import { canonicalJson, changedParts, serviceConfigHash, sha256 } from './config-hash';
import { projectImages, shortId } from './images';
import { containerName } from './labels';
import type { ObservedContainer, ObservedProject } from './observed';
import { startOrder } from './topo';

export interface PlanResult {
  actions: PlanAction[];
  resources: ResourceAction[];
  /** Images missing on the engine, to pull before anything else. */
  pulls: string[];
  noop: boolean;
  /** sha256 of actions + resources: apply refuses a plan the engine no longer matches. */
  planHash: string;
}

/** What apply needs beyond the shown plan: which containers each action is about. */
export interface PlanStep {
  action: PlanAction;
  /** The service's current container (recreate, keep, start) or the orphan to remove. */
  existing: ObservedContainer | null;
}

export interface DetailedPlan {
  plan: PlanResult;
  /** Service steps in start order, then removals. */
  steps: PlanStep[];
}

const RUNNING_STATES = new Set(['running', 'paused', 'restarting']);

/** Why the container no longer matches the service; empty = keep it. */
function recreateReasons(
  project: ComposeProject,
  service: ComposeService,
  c: ObservedContainer,
  observed: ObservedProject,
  localImages: Map<string, string>,
): string[] {
  const reasons: string[] = [];
  const localId = localImages.get(service.image);
  if (c.imageRef !== service.image) reasons.push(`image changed (${c.imageRef} → ${service.image})`);
  else if (localId && localId !== c.imageId) reasons.push(`image changed (${service.image}: ${shortId(c.imageId)} → ${shortId(localId)})`);

  const desired = serviceConfigHash(project, service);
  let aliasesChanged = false;
  if (c.configHash !== desired.hash) {
    if (c.configParts) {
      const changed = changedParts(c.configParts, desired.parts);
      aliasesChanged = changed.includes('networks');
      const named = changed.filter((p) => p !== 'networks');
      if (named.length) reasons.push(`config changed: ${named.join(', ')}`);
      else if (!aliasesChanged) reasons.push('config changed');
    } else {
      // docker compose hashes its own way: the container is recreated once, then Rackpilot's labels tell.
      reasons.push(`config changed: created by ${c.createdBy}, whose config hash Rackpilot cannot compare`);
    }
  }

  // Attachments: every wanted network, on the network that exists under that name now.
  const wanted = new Set(Object.keys(service.networks).map((key) => project.networks[key]?.name ?? key));
  const drift: string[] = [];
  for (const name of wanted) {
    const net = observed.networks.find((n) => n.name === name);
    if (!net || c.networks[name]?.networkId !== net.id) drift.push(name);
  }
  for (const name of Object.keys(c.networks)) if (!wanted.has(name)) drift.push(name);
  if (drift.length) reasons.push(`network changed (${[...new Set(drift)].sort().join(', ')})`);
  else if (aliasesChanged) reasons.push('network changed (aliases or addresses)');
  return reasons;
}

/** Services some other service waits for with service_completed_successfully: one-shot jobs. */
function completionTargets(project: ComposeProject): Set<string> {
  const out = new Set<string>();
  for (const s of Object.values(project.services))
    for (const [dep, spec] of Object.entries(s.dependsOn)) if (spec.condition === 'service_completed_successfully') out.add(dep);
  return out;
}

function resourceActions(project: ComposeProject, observed: ObservedProject): ResourceAction[] {
  const out: ResourceAction[] = [];
  for (const net of Object.values(project.networks).sort((a, b) => a.name.localeCompare(b.name))) {
    const found = observed.networks.find((n) => n.name === net.name);
    if (found && !net.external) {
      if (net.driver && found.driver !== net.driver) throw networkDrift(net.name, 'driver', found.driver, net.driver);
      if (found.internal !== net.internal) throw networkDrift(net.name, 'internal', String(found.internal), String(net.internal));
    }
    out.push({ action: found ? 'keep' : net.external ? 'missing-external' : 'create', kind: 'network', name: net.name });
  }
  for (const vol of Object.values(project.volumes).sort((a, b) => a.name.localeCompare(b.name))) {
    const found = observed.volumes.some((v) => v.name === vol.name);
    out.push({ action: found ? 'keep' : vol.external ? 'missing-external' : 'create', kind: 'volume', name: vol.name });
  }
  return out;
}

function networkDrift(name: string, what: string, is: string, wanted: string): RackpilotError {
  return new RackpilotError(
    ErrorCode.Conflict,
    `Network ${name} exists with ${what} ${is}, but the stack asks for ${wanted}. A network cannot change in place: take the stack down (its networks are removed, volumes kept) and apply again, or set ${what} back.`,
  );
}

export function planStackDetailed(project: ComposeProject, observed: ObservedProject, localImages: Map<string, string>): DetailedPlan {
  const steps: PlanStep[] = [];
  const removals: PlanStep[] = [];
  const oneShots = completionTargets(project);
  const live = observed.containers.filter((c) => !c.oneoff);

  for (const name of startOrder(project)) {
    const service = project.services[name]!;
    const mine = live.filter((c) => c.service === name).sort((a, b) => a.number - b.number);
    const existing = mine.find((c) => c.number === 1) ?? mine[0] ?? null;
    for (const extra of mine.filter((c) => c !== existing))
      removals.push({
        action: { action: 'remove-orphan', service: name, container: extra.name, reasons: ['scaled down: Rackpilot runs one container per service'] },
        existing: extra,
      });
    if (!existing) {
      steps.push({ action: { action: 'create', service: name, container: containerName(project.name, name), reasons: [] }, existing: null });
      continue;
    }
    const reasons = recreateReasons(project, service, existing, observed, localImages);
    let action: PlanAction;
    if (reasons.length) action = { action: 'recreate', service: name, container: existing.name, reasons };
    else if (RUNNING_STATES.has(existing.state) || (oneShots.has(name) && existing.state === 'exited' && existing.exitCode === 0))
      action = { action: 'keep', service: name, container: existing.name, reasons: [] };
    else action = { action: 'start', service: name, container: existing.name, reasons: [`stopped (${existing.state})`] };
    steps.push({ action, existing });
  }

  for (const c of live.filter((c) => !project.services[c.service]).sort((a, b) => a.name.localeCompare(b.name)))
    removals.push({
      action: { action: 'remove-orphan', service: c.service, container: c.name, reasons: [`service ${c.service} is no longer in the stack`] },
      existing: c,
    });

  const all = [...steps, ...removals];
  const actions = all.map((s) => s.action);
  const resources = resourceActions(project, observed);
  const pulls = projectImages(project).filter((ref) => !localImages.has(ref));
  const noop = pulls.length === 0 && actions.every((a) => a.action === 'keep') && resources.every((r) => r.action === 'keep');
  return { plan: { actions, resources, pulls, noop, planHash: sha256(canonicalJson({ actions, resources })) }, steps: all };
}

export function planStack(project: ComposeProject, observed: ObservedProject, localImages: Map<string, string>): PlanResult {
  return planStackDetailed(project, observed, localImages).plan;
}
