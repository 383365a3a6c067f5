/**
 * The Terminal tab: an interactive shell on the node, through the terminal view (xterm.js), which
 * loads only when this tab is first opened so it stays out of the start-up chunk. Escape inside it
 * belongs to the shell, not to the panel.
 */
import { lazy, Suspense, useState } from 'react';
import type { Node } from '../../../shared/domain/node';

const TerminalView = lazy(() => import('../terminal/TerminalView').then((m) => ({ default: m.TerminalView })));

export function TerminalTab({ node, onShowOverview }: { node: Node; onShowOverview(): void }) {
  const [session, setSession] = useState(0);
  const [ended, setEnded] = useState(false);

  if (!node.address) {
    return <p className="muted">The node has no address yet: edit it and enter its IP address or host name to open a terminal.</p>;
  }
  if (node.hostKeys.length === 0) {
    return (
      <div className="notice notice-warn">
        <span>Rackpilot opens a shell only to a node whose host key is pinned. Scan and accept its key first.</span>
        <button type="button" className="btn btn-small" onClick={onShowOverview}>
          Go to Overview
        </button>
      </div>
    );
  }
  return (
    <div className="terminal-tab" data-own-escape="">
      {ended && (
        <div className="terminal-ended">
          <p role="status">The terminal session on {node.name} has ended.</p>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setEnded(false);
              setSession((n) => n + 1);
            }}
          >
            Open a new session
          </button>
        </div>
      )}
      <Suspense fallback={<p className="muted" role="status">Loading the terminal…</p>}>
        <TerminalView key={session} nodeId={node.id} onClosed={() => setEnded(true)} />
      </Suspense>
    </div>
  );
}
