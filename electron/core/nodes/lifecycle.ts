/**
 * The node lifecycle (DESIGN §4) as data: which state may follow which. Every state change goes
 * through `assertTransition`, so an impossible jump (say, `discovered` → `provisioned`) is a bug
 * caught where it happens rather than a confusing inventory later.
 */
import type { NodeState } from '../../../shared/domain/node';
import { ErrorCode, RackpilotError } from '../../../shared/errors';

const NEXT: Record<NodeState, readonly NodeState[]> = {
  discovered: ['ready', 'installing'],
  ready: ['installing'],
  // back to ready when the user cancels the install
  installing: ['installed', 'failed', 'ready'],
  installed: ['provisioning', 'installing'],
  provisioning: ['provisioned', 'failed'],
  provisioned: ['provisioning', 'installing'],
  failed: ['installing', 'ready'],
};

export function canTransition(from: NodeState, to: NodeState): boolean {
  return from === to || NEXT[from].includes(to);
}

export function assertTransition(name: string, from: NodeState, to: NodeState): void {
  if (!canTransition(from, to)) {
    throw new RackpilotError(
      ErrorCode.Conflict,
      `Node ${name} is ${from}; it cannot become ${to} from there (allowed: ${NEXT[from].join(', ')}).`,
    );
  }
}
