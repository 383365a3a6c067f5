/**
 * Test fixture (integration tests only): lab checks as a lab file would declare them (parsed by
 * the real schema, so defaults apply) and inventory nodes for the peers the tests start.
 */
import { expect } from 'vitest';
import { labCheckSchema, type CheckResult, type LabCheck } from '../../../../shared/domain/lab';
import type { HostKey, Node, NodeState } from '../../../../shared/domain/node';

export const HINT = 'Look at what you changed in this step.';

/** A check as written in a step's front matter (id, title and hint filled in for the test). */
export function labCheck(fields: Record<string, unknown>): LabCheck {
  return labCheckSchema.parse({ id: 'c1', title: 'the thing works', hint: HINT, ...fields });
}

export function inventoryNode(o: { id: string; address: string; port?: number; user?: string; hostKeys?: HostKey[]; state?: NodeState }): Node {
  const now = new Date().toISOString();
  return {
    id: o.id,
    name: o.id,
    mac: '52:54:00:00:00:01',
    address: o.address,
    sshUser: o.user ?? 'nobody',
    sshPort: o.port ?? 22,
    role: 'unassigned',
    tags: [],
    notes: '',
    state: o.state ?? 'installed',
    netboot: false,
    profileId: null,
    hostKeys: o.hostKeys ?? [],
    firmware: 'unknown',
    createdAt: now,
    updatedAt: now,
  };
}

/** A passed check: no hint. */
export function expectPass(r: CheckResult, saw?: RegExp): void {
  expect(r.status, `${r.ran} → ${r.saw}`).toBe('pass');
  expect(r.hint).toBeNull();
  if (saw) expect(r.saw).toMatch(saw);
}

/** A failed check: the lab's hint as it is. */
export function expectFail(r: CheckResult, saw: RegExp): void {
  expect(r.status, `${r.ran} → ${r.saw}`).toBe('fail');
  expect(r.hint).toBe(HINT);
  expect(r.saw).toMatch(saw);
}

/** A check that could not run: the lab's hint plus what to do, never a pass or fail. */
export function expectError(r: CheckResult, saw: RegExp, todo?: RegExp): void {
  expect(r.status, `${r.ran} → ${r.saw}`).toBe('error');
  expect(r.saw).toMatch(/^The check could not run: /);
  expect(r.saw).toMatch(saw);
  expect(r.hint?.startsWith(`${HINT}\n\nThis check could not run`)).toBe(true);
  if (todo) expect(r.hint).toMatch(todo);
}
