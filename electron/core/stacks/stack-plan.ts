/**
 * Planning a stack against its engine (what `stacks.plan` shows and apply re-checks), and the
 * one-line summary of a plan that history and the audit log keep.
 */
import type Dockerode from 'dockerode';
import type { StackPlan } from '../../../shared/domain/stack';
import type { ComposeProject } from './compose/model';
import { observeProject } from './engine/discover';
import { localImageIds, projectImages } from './engine/images';
import { planStack, type PlanResult } from './engine/planner';

export async function planOnEngine(docker: Dockerode, project: ComposeProject): Promise<PlanResult> {
  const [observed, images] = await Promise.all([observeProject(docker, project.name, project), localImageIds(docker, projectImages(project))]);
  return planStack(project, observed, images);
}

export function toStackPlan(nodeId: string, name: string, version: StackPlan['version'], plan: PlanResult): StackPlan {
  return { nodeId, name, version, ...plan };
}

/** "web: recreate (config changed: environment); db: create" — or "no changes". */
export function planSummary(plan: PlanResult): string {
  const parts = plan.actions
    .filter((a) => a.action !== 'keep')
    .map((a) => `${a.service}: ${a.action}${a.reasons.length ? ` (${a.reasons.join('; ')})` : ''}`);
  for (const r of plan.resources) if (r.action === 'create') parts.push(`create ${r.kind} ${r.name}`);
  return parts.length ? parts.join('; ') : 'no changes';
}

/** The plan as job log lines, one per change. */
export function planLines(plan: PlanResult): string[] {
  if (plan.noop) return ['Plan: nothing to change.'];
  const lines = plan.actions.map((a) => `Plan: ${a.action} ${a.container}${a.reasons.length ? ` — ${a.reasons.join('; ')}` : ''}`);
  for (const r of plan.resources) if (r.action !== 'keep') lines.push(`Plan: ${r.action} ${r.kind} ${r.name}`);
  for (const p of plan.pulls) lines.push(`Plan: pull ${p}`);
  return lines;
}
