/** The node panel's headline when its install failed: why, in words, and what to do next. */
import type { Node } from '../../../shared/domain/node';
import { useTimelines } from '../../stores/timeline';
import { currentInstallFailure } from './install-failure';

export function InstallFailedNotice({ node }: { node: Node }) {
  const failure = useTimelines((s) => currentInstallFailure(s.byNode[node.id]?.events));
  if (node.state !== 'failed' || !failure) return null;
  return (
    <div className="notice notice-error" data-testid="install-failed-notice">
      {failure.summary} Its last boot events are on the timeline below. Rebuild to try again.
    </div>
  );
}
