/**
 * The node panel's first tab: the inventory fields and boot state, the SSH connection, pinned host
 * keys (with scan and accept), Rackpilot's public key, and the live timeline.
 */
import type { Node } from '../../../shared/domain/node';
import { formatTime } from '../activity/format';
import { BootBadges, isArmed, isRebuild } from './boot-badges';
import { HostKeys } from './HostKeys';
import { InstallFailedNotice } from './InstallFailedNotice';
import { NodeTimeline } from './NodeTimeline';
import { PublicKey } from './PublicKey';
import { SshConnection } from './SshConnection';

export interface NodeActions {
  onEdit(node: Node): void;
  onInstall(node: Node): void;
  onCancelInstall(node: Node): void;
}

const FIRMWARE: Record<Node['firmware'], string> = {
  bios: 'BIOS (legacy PXE)',
  uefi: 'UEFI',
  'uefi-http': 'UEFI HTTP boot',
  arm64: 'arm64 UEFI',
  unknown: 'Not seen yet',
};

export function OverviewTab({ node, onEdit, onInstall, onCancelInstall }: { node: Node } & NodeActions) {
  return (
    <>
      {node.state === 'discovered' && (
        <div className="notice notice-warn">
          This machine asked to network boot but is not in your inventory yet. Edit it to give it a name and role (adopt it),
          then install it.
        </div>
      )}
      <InstallFailedNotice node={node} />
      <div className="detail-actions">
        {isArmed(node) ? (
          <button type="button" className="btn btn-small" onClick={() => onCancelInstall(node)} aria-label={`Cancel install of ${node.name}`}>
            Cancel install
          </button>
        ) : (
          <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => onInstall(node)}>
            {isRebuild(node) ? 'Rebuild…' : 'Install…'}
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={() => onEdit(node)}>
          {node.state === 'discovered' ? 'Adopt (edit)…' : 'Edit…'}
        </button>
      </div>
      <dl className="detail-fields">
        <dt>State</dt>
        <dd>
          <BootBadges node={node} />
        </dd>
        <dt>Network boot</dt>
        <dd data-testid="netboot">{isArmed(node) ? `Install armed with profile ${node.profileId ?? '?'}` : 'Off: boots from its disk'}</dd>
        <dt>Profile</dt>
        <dd className="mono">{node.profileId ?? <span className="muted">none chosen</span>}</dd>
        <dt>Firmware</dt>
        <dd>{FIRMWARE[node.firmware]}</dd>
        <dt>MAC</dt>
        <dd className="mono">{node.mac}</dd>
        <dt>Address</dt>
        <dd className="mono">{node.address || <span className="muted">not known yet</span>}</dd>
        <dt>Role</dt>
        <dd>{node.role}</dd>
        <dt>Tags</dt>
        <dd>{node.tags.length ? node.tags.join(', ') : <span className="muted">none</span>}</dd>
        {node.notes && (
          <>
            <dt>Notes</dt>
            <dd className="pre-wrap">{node.notes}</dd>
          </>
        )}
        <dt>Added</dt>
        <dd>{formatTime(node.createdAt)}</dd>
      </dl>
      <SshConnection node={node} />
      <HostKeys node={node} />
      <PublicKey node={node} />
      <NodeTimeline nodeId={node.id} nodeName={node.name} />
    </>
  );
}
