/**
 * depends_on order: a service starts after the services it depends on. Ties are broken by name so
 * a plan lists services in the same order every time.
 */
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import type { ComposeProject } from '../compose/model';

/**
 * The services a service waits for that exist in the project. A dependency left out by a
 * disabled profile is skipped when `required: false`, and an error otherwise (compose does the same).
 */
export function dependenciesOf(project: ComposeProject, service: string): string[] {
  const deps = project.services[service]?.dependsOn ?? {};
  const out: string[] = [];
  for (const [dep, spec] of Object.entries(deps)) {
    if (project.services[dep]) out.push(dep);
    else if (spec.required)
      throw new RackpilotError(
        ErrorCode.Validation,
        `Service ${service} depends on ${dep}, which is not in the stack (or its profile is not enabled). Add ${dep}, enable its profile, or remove it from depends_on.`,
      );
  }
  return out.sort();
}

/** Services in start order (Kahn's algorithm); a cycle is an error naming it. */
export function startOrder(project: ComposeProject): string[] {
  const names = Object.keys(project.services).sort();
  const deps = new Map(names.map((n) => [n, dependenciesOf(project, n)]));
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < names.length) {
    const ready = names.find((n) => !placed.has(n) && deps.get(n)!.every((d) => placed.has(d)));
    if (!ready) throw cycleError(names.filter((n) => !placed.has(n)), deps);
    order.push(ready);
    placed.add(ready);
  }
  return order;
}

/** Walks from an unplaced service along unplaced dependencies until a service repeats. */
function cycleError(unplaced: string[], deps: Map<string, string[]>): RackpilotError {
  const left = new Set(unplaced);
  const path: string[] = [];
  let at = unplaced[0]!;
  while (!path.includes(at)) {
    path.push(at);
    at = deps.get(at)!.find((d) => left.has(d))!;
  }
  const cycle = [...path.slice(path.indexOf(at)), at];
  return new RackpilotError(
    ErrorCode.Validation,
    `depends_on forms a cycle: ${cycle.join(' → ')}. Services cannot wait for each other; remove one of these dependencies.`,
  );
}
