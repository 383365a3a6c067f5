/** One virtual node's boot: its facts, the inventory node's live timeline, the serial console. */
import { useEffect, useRef } from 'react';
import type { VirtualNode } from '../../../shared/domain/vlab';
import { routeHref } from '../../router';
import { NodeTimeline } from '../nodes/NodeTimeline';
import { ConsoleTail } from './ConsoleTail';
import { VM_STATE_CLASS } from './VirtualNodesTable';

export function VirtualNodePanel({ vm }: { vm: VirtualNode }) {
  const titleId = `vm-panel-title-${vm.id}`;
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Opened from the table: move focus to what was opened, and show it.
  useEffect(() => {
    headingRef.current?.focus();
    headingRef.current?.scrollIntoView({ block: 'nearest' });
  }, [vm.id]);
  return (
    <section className="panel rack-panel" aria-labelledby={titleId} data-testid="vm-panel">
      <div className="panel-head">
        <h2 id={titleId} ref={headingRef} tabIndex={-1}>
          {vm.name}
        </h2>
        <span className={`badge ${VM_STATE_CLASS[vm.state]}`}>{vm.state}</span>
        <span className="muted">
          {vm.accelerator ? `${vm.accelerator.toUpperCase()} · ` : ''}
          {vm.network} network{vm.peer ? ` · peer ${vm.peer.address}` : ''}
        </span>
        <div className="panel-actions">
          {vm.nodeId && (
            <a className="btn btn-small" href={routeHref('nodes', vm.nodeId)}>
              Inventory node
            </a>
          )}
          <a className="btn btn-small" href={routeHref('rack')} aria-label={`Close the boot of ${vm.name}`}>
            Close
          </a>
        </div>
      </div>
      <div className="rack-panel-body">
        <ConsoleTail vm={vm} />
        <div className="rack-timeline">
          {vm.nodeId ? (
            <NodeTimeline nodeId={vm.nodeId} nodeName={vm.name} />
          ) : (
            <p className="muted">The inventory node was removed, so there is no timeline to show.</p>
          )}
        </div>
      </div>
    </section>
  );
}
