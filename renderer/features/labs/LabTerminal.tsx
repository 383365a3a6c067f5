/**
 * A terminal to the lab's node(s), one tab per role. Opened on request (a shell is an SSH
 * session on a real machine), and kept open while the learner moves between steps; xterm loads
 * only then.
 */
import { lazy, Suspense, useState } from 'react';
import type { LabDetail } from '../../../shared/domain/lab';
import { panelId, TabList, tabId } from '../../components/Tabs';

const TerminalView = lazy(() => import('../terminal/TerminalView').then((m) => ({ default: m.TerminalView })));

const ID_BASE = 'lab-terminal';

export function LabTerminal({ nodes }: { nodes: LabDetail['nodes'] }) {
  const roles = Object.entries(nodes).flatMap(([role, node]) => (node ? [{ role, node }] : []));
  const [selected, setSelected] = useState(roles[0]?.role ?? '');
  const [open, setOpen] = useState(false);
  if (roles.length === 0) return null;
  const current = roles.find((r) => r.role === selected) ?? roles[0];
  if (!current) return null;

  return (
    <section className="panel lab-terminal" aria-labelledby="lab-terminal-title">
      <div className="panel-head">
        <h2 id="lab-terminal-title">Terminal</h2>
        <span className="muted">
          {current.node.name} <span className="mono">{current.node.address}</span>
        </span>
        <div className="panel-actions">
          {open ? (
            <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
              Close terminal
            </button>
          ) : (
            <button type="button" className="btn btn-small btn-primary" onClick={() => setOpen(true)} aria-label={`Open a terminal to ${current.node.name}`}>
              Open terminal
            </button>
          )}
        </div>
      </div>
      {roles.length > 1 && (
        <TabList
          label="Lab nodes"
          idBase={ID_BASE}
          tabs={roles.map((r) => ({ id: r.role, label: `${r.role} (${r.node.name})` }))}
          selected={current.role}
          onSelect={setSelected}
        />
      )}
      <div role={roles.length > 1 ? 'tabpanel' : undefined} id={panelId(ID_BASE, current.role)} aria-labelledby={roles.length > 1 ? tabId(ID_BASE, current.role) : undefined}>
        {open ? (
          <Suspense fallback={<p className="muted" role="status">Loading the terminal…</p>}>
            <TerminalView key={current.node.id} nodeId={current.node.id} />
          </Suspense>
        ) : (
          <p className="muted">Open a shell on {current.node.name} to work on the step here; it stays open while you move between steps.</p>
        )}
      </div>
    </section>
  );
}
