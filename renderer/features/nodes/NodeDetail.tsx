/**
 * A node's details beside the table (route #/nodes/<id>), in tabs: Overview (fields, boot state,
 * SSH connection, host keys, timeline), Facts, Recipes and Terminal. Not modal: the table stays
 * usable; Escape or Close returns to the list. The heavier tabs load when first opened, and stay
 * mounted once opened (a terminal keeps its session while you look at another tab).
 */
import { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Node } from '../../../shared/domain/node';
import { TabList, TabPanel, type TabItem } from '../../components/Tabs';
import { OverviewTab, type NodeActions } from './OverviewTab';
import { TerminalTab } from './TerminalTab';

const FactsTab = lazy(() => import('./FactsTab').then((m) => ({ default: m.FactsTab })));
const RecipesTab = lazy(() => import('./RecipesTab').then((m) => ({ default: m.RecipesTab })));

export type DetailTab = 'overview' | 'facts' | 'recipes' | 'terminal';

const TABS: readonly TabItem<DetailTab>[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'facts', label: 'Facts' },
  { id: 'recipes', label: 'Recipes' },
  { id: 'terminal', label: 'Terminal' },
];

interface Props extends NodeActions {
  /** Undefined while the inventory loads, null when there is no such node. */
  node: Node | null | undefined;
  onClose(): void;
}

/** The tab shown for a node, and the tabs opened so far (kept mounted); reset for another node. */
interface TabState {
  nodeId: string | undefined;
  tab: DetailTab;
  opened: ReadonlySet<DetailTab>;
}

const ID_BASE = 'node-detail';

export function NodeDetail({ node, onClose, ...actions }: Props) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const nodeId = node?.id;
  const [tabs, setTabs] = useState<TabState>({ nodeId, tab: 'overview', opened: new Set(['overview']) });
  const current = tabs.nodeId === nodeId ? tabs : { nodeId, tab: 'overview' as const, opened: new Set<DetailTab>(['overview']) };
  const select = (tab: DetailTab) => setTabs({ nodeId, tab, opened: new Set([...current.opened, tab]) });

  // Move focus into the panel when it opens (or shows another node), so keyboard users land here.
  useEffect(() => {
    headingRef.current?.focus();
  }, [nodeId]);

  // Escape closes the panel, unless a dialog on top of it, or the terminal (where Escape belongs to
  // the shell: vi, less…), is taking the key.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      if (e.target instanceof Element && e.target.closest('[data-own-escape]')) return;
      e.preventDefault();
      onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const title = node ? node.name : node === null ? 'Node not found' : 'Loading…';
  const panel = (id: DetailTab, content: () => ReactNode, extra?: { className?: string }) =>
    current.opened.has(id) && (
      <TabPanel idBase={ID_BASE} id={id} selected={current.tab === id} className={extra?.className}>
        <Suspense fallback={<p className="muted" role="status">Loading…</p>}>{content()}</Suspense>
      </TabPanel>
    );
  return (
    <aside className={`detail-panel detail-tabbed${current.tab === 'terminal' ? ' detail-wide' : ''}`} aria-labelledby="node-detail-title" data-testid="node-detail">
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
          <TabList label={`Sections of ${node.name}`} idBase={ID_BASE} tabs={TABS} selected={current.tab} onSelect={select} />
          {panel('overview', () => <OverviewTab node={node} {...actions} />)}
          {panel('facts', () => <FactsTab node={node} onShowOverview={() => select('overview')} />)}
          {panel('recipes', () => <RecipesTab node={node} />)}
          {panel('terminal', () => <TerminalTab node={node} onShowOverview={() => select('overview')} />, { className: 'tabpanel-terminal' })}
        </>
      )}
    </aside>
  );
}
