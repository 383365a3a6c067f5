/** Which timeline event is a node's current install failure, if its install news is one. */
import type { AuditEvent } from '../../../shared/domain/event';

/**
 * The newest `boot.install-failed`, unless the node was armed again since (then that failure is
 * history, and the panel should not shout about it). Events newest first, as timelines keep them.
 */
export function currentInstallFailure(events: readonly AuditEvent[] | undefined): AuditEvent | null {
  const latest = events?.find((e) => e.kind === 'boot.install-failed' || e.kind === 'boot.install-requested');
  return latest?.kind === 'boot.install-failed' ? latest : null;
}
