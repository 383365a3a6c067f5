/** A node's lifecycle state and boot flag as badges: the table and the detail panel share them. */
import type { Node } from '../../../shared/domain/node';

/** An install is pending (or running): the next network boot wipes the disk. */
export function isArmed(node: Node): boolean {
  return node.netboot || node.state === 'installing';
}

/** The node has had an OS before, so an install replaces it. */
export function isRebuild(node: Node): boolean {
  return node.state === 'installed' || node.state === 'provisioning' || node.state === 'provisioned' || node.state === 'failed';
}

export function BootBadges({ node }: { node: Node }) {
  return (
    <span className="boot-badges">
      <span className={`badge state-${node.state}`} data-testid="node-state">
        {node.state}
      </span>
      {node.netboot && (
        <span className="badge badge-armed" data-testid="install-armed" title={`Its next network boot installs ${node.profileId ?? 'a profile'}`}>
          install armed
        </span>
      )}
    </span>
  );
}
