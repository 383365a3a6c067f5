/**
 * A node's details beside the table (route #/nodes/<id>): its fields, boot state, pinned SSH host
 * keys and live timeline. Not modal: the table stays usable; Escape or Close returns to the list.
 */
import { useEffect, useRef } from 'react';
import type { Node } from '../../../shared/domain/node';
import { formatTime } from '../activity/format';
import { NodeTimeline } from './NodeTimeline';
import { BootBadges, isArmed, isRebuild } from './boot-badges';

interface Props {
  /** Undefined while the inventory loads, null when there is no such node. */
  node: Node | null | undefined;
  onClose(): void;
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

export function NodeDetail({ node, onClose, onEdit, onInstall, onCancelInstall }: Props) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const nodeId = node?.id;

  // Move focus into the panel when it opens (or shows another node), so keyboard users land here.
  useEffect(() => {
    headingRef.current?.focus();
  }, [nodeId]);

  // Escape closes the panel, unless a dialog on top of it is taking the key.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const title = node ? node.name : node === null ? 'Node not found' : 'Loading…';
  return (
    <aside className="detail-panel" aria-labelledby="node-detail-title" data-testid="node-detail">
      <div className="detail-head">
        <h2 id="node-detail-title" ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
        <button type="button" className="btn btn-small" onClick={onClose} aria-label="Close node details">
          Close
        </button>
      </div>
      {node === null && <p className="muted">This node is not in the inventory (it may have been removed).</p>}
      {node && (
        <>
          {node.state === 'discovered' && (
            <div className="notice notice-warn">
              This machine asked to network boot but is not in your inventory yet. Edit it to give it a name and role
              (adopt it), then install it.
            </div>
          )}
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
            <dt>SSH</dt>
            <dd className="mono">
              {node.sshUser}@{node.address || '…'}:{node.sshPort}
            </dd>
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
          <section aria-labelledby="host-keys-title">
            <h3 id="host-keys-title">Pinned SSH host keys</h3>
            {node.hostKeys.length === 0 ? (
              <p className="muted">None yet: the installer's phone-home pins them, before Rackpilot ever connects.</p>
            ) : (
              <ul className="host-keys" aria-label="Pinned SSH host keys">
                {node.hostKeys.map((k) => (
                  <li key={`${k.type}-${k.fingerprint}`}>
                    <span className="mono host-key-type">{k.type}</span> <span className="mono host-key-fp">{k.fingerprint}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <NodeTimeline nodeId={node.id} nodeName={node.name} />
        </>
      )}
    </aside>
  );
}
