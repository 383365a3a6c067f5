/**
 * The Stacks page: pick a target (this computer or a node), see its stacks — the ones stored in
 * Rackpilot and the ones docker compose started there — start a new one, and open one to edit,
 * plan, deploy and watch it. The route carries the target and the open stack:
 * #/stacks/<target> or #/stacks/<target>/<name>.
 */
import { useEffect, useState } from 'react';
import { LOCAL_ENGINE } from '../../../shared/domain/stack';
import { navigate, useRouteItem } from '../../router';
import { useNodes } from '../../stores/nodes';
import { followStacks, loadStacks, useStacks } from '../../stores/stacks';
import { EngineLine } from './EngineLine';
import { NewStackDialog } from './NewStackDialog';
import { parseStackItem, stackItem, targetLabel } from './stack-format';
import { StacksTable } from './StacksTable';
import { StackView } from './StackView';
import { TargetPicker } from './TargetPicker';
import './stacks.css';

export function StacksPage() {
  const route = parseStackItem(useRouteItem());
  const nodeId = route?.nodeId ?? LOCAL_ENGINE;
  const open = route?.name ?? null;
  const nodes = useNodes((s) => s.nodes);
  const list = useStacks((s) => s.lists[nodeId]);
  const [creating, setCreating] = useState(false);
  const target = targetLabel(nodeId, nodes);

  useEffect(() => followStacks(), []);
  useEffect(() => void loadStacks(nodeId), [nodeId]);

  return (
    <section className="page-section stacks-page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Stacks</h1>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          New stack
        </button>
      </div>
      <div className="toolbar">
        <TargetPicker value={nodeId} onChange={(id) => navigate('stacks', stackItem(id))} />
        <button type="button" className="btn btn-small" onClick={() => void loadStacks(nodeId)} disabled={list?.status === 'loading'}>
          Refresh
        </button>
        <EngineLine nodeId={nodeId} />
      </div>
      {list?.status === 'error' && (
        <div className="notice notice-error" role="alert">
          Could not list the stacks on {target}: {list.error}
        </div>
      )}
      {(!list || list.status === 'loading') && (
        <p className="empty" role="status">
          Loading the stacks on {target}…
        </p>
      )}
      {list?.status === 'ready' && list.stacks.length === 0 && (
        <div className="empty">
          <h2>No stacks on {target} yet</h2>
          <p>Start one from a template (a static site, Gitea, Uptime Kuma…) or from a blank compose file.</p>
        </div>
      )}
      {list && list.stacks.length > 0 && <StacksTable stacks={list.stacks} selected={open} />}
      {open && <StackView key={`${nodeId}/${open}`} nodeId={nodeId} name={open} targetName={target} onClose={() => navigate('stacks', stackItem(nodeId))} />}
      {creating && (
        <NewStackDialog
          nodeId={nodeId}
          targetName={target}
          existing={list?.stacks.map((s) => s.name) ?? []}
          onCreated={(detail) => {
            void loadStacks(nodeId);
            navigate('stacks', stackItem(nodeId, detail.summary.name));
          }}
          onClose={() => setCreating(false)}
        />
      )}
    </section>
  );
}
