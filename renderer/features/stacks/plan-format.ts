/** How a plan reads: action names, order and a one-line summary (pure). */
import type { PlanAction, PlanActionKind, ResourceAction, StackPlan } from '../../../shared/domain/stack';

export const ACTION_LABEL: Record<PlanActionKind, string> = {
  create: 'create',
  recreate: 'recreate',
  keep: 'keep',
  start: 'start',
  'remove-orphan': 'remove orphan',
};

export const ACTION_CLASS: Record<PlanActionKind, string> = {
  create: 'plan-create',
  recreate: 'plan-recreate',
  keep: 'plan-keep',
  start: 'plan-start',
  'remove-orphan': 'plan-remove',
};

export const RESOURCE_LABEL: Record<ResourceAction['action'], string> = {
  create: 'create',
  keep: 'keep',
  'missing-external': 'missing (external)',
};

const ORDER: PlanActionKind[] = ['create', 'recreate', 'start', 'remove-orphan', 'keep'];

/** Changes first (what the user must look at), then what stays; by service within each. */
export function sortActions(actions: readonly PlanAction[]): PlanAction[] {
  return [...actions].sort((a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action) || a.service.localeCompare(b.service) || a.container.localeCompare(b.container));
}

/** "2 to create, 1 to recreate, 3 kept" or "Nothing to change". */
export function planSummary(plan: StackPlan): string {
  if (plan.noop) return 'Nothing to change: the node already runs this version.';
  const counts = new Map<PlanActionKind, number>();
  for (const a of plan.actions) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  const parts = ORDER.filter((k) => counts.has(k)).map((k) => (k === 'keep' ? `${counts.get(k)} kept` : `${counts.get(k)} to ${ACTION_LABEL[k]}`));
  const missing = plan.resources.filter((r) => r.action === 'missing-external').length;
  if (missing) parts.push(`${missing} external resource${missing > 1 ? 's' : ''} missing`);
  return parts.join(', ') || 'No services.';
}

/** Applying cannot succeed while an external network or volume is missing. */
export function planBlocked(plan: StackPlan): string | null {
  const missing = plan.resources.filter((r) => r.action === 'missing-external');
  if (missing.length === 0) return null;
  return `Create ${missing.map((r) => `the ${r.kind} ${r.name}`).join(' and ')} on the node first: the stack declares ${missing.length > 1 ? 'them' : 'it'} external.`;
}
