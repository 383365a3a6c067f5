/**
 * One stack as the list shows it: what Rackpilot stores merged with what runs on the engine.
 * A stored stack with no containers is `not-deployed`; a project found only on the engine is
 * shown too (stored: false), so stacks started with `docker compose` can be adopted.
 */
import type { StackContainer, StackState, StackSummary } from '../../../shared/domain/stack';
import type { DiscoveredProject } from './engine/discover';

export interface SummaryInput {
  nodeId: string;
  name: string;
  stored: boolean;
  /** Services the stored compose file declares (in file order); empty when unknown. */
  declared: string[];
  discovered: DiscoveredProject | null;
  appliedVersion: number | null;
}

/** A one-shot service that ran to success ("Exited (0) …") is done, not down. */
function finished(c: StackContainer): boolean {
  return c.state === 'exited' && /^Exited \(0\)/.test(c.status);
}

export function stackState(containers: StackContainer[], declared: string[]): StackState {
  if (containers.length === 0) return 'not-deployed';
  const running = containers.filter((c) => c.state === 'running');
  if (running.length === 0) return 'stopped';
  const allUp = containers.every((c) => c.state === 'running' || finished(c));
  const allServices = declared.every((s) => containers.some((c) => c.service === s));
  return allUp && allServices ? 'running' : 'partial';
}

export function stackSummary(input: SummaryInput): StackSummary {
  const containers = input.discovered?.containers ?? [];
  const names = [...input.declared];
  for (const c of containers) if (!names.includes(c.service)) names.push(c.service);
  return {
    nodeId: input.nodeId,
    name: input.name,
    stored: input.stored,
    createdBy: containers.length ? (input.discovered?.createdBy ?? null) : null,
    state: stackState(containers, input.declared),
    services: names.map((name) => ({ name, containers: containers.filter((c) => c.service === name) })),
    appliedVersion: input.appliedVersion,
  };
}
