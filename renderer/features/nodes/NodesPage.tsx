/**
 * The inventory: search, filter and sort the nodes; add, edit, remove and check them; arm or
 * cancel an install; select several to run a recipe or a command on them (with per-node results)
 * or export them for ssh and Ansible; and a node's details beside the table (#/nodes/<id>).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { NODE_ROLES, NODE_STATES, type Node, type NodeRole, type NodeState } from '../../../shared/domain/node';
import { errorMessage, rpc } from '../../rpc/api';
import { latestJobByNode, onJobChanged, useJobs } from '../../stores/jobs';
import { navigate, useRouteItem } from '../../router';
import { onNodesChanged, useNodes } from '../../stores/nodes';
import { BulkActionBar } from './BulkActionBar';
import type { BulkRun, BulkTarget } from './bulk-run';
import type { ExportKind } from './ExportDialog';
import { allTags, EMPTY_FILTER, filterNodes, isFiltering, sortNodes, type NodeFilter, type SortKey, type SortSpec } from './filter';
import { NodeDetail } from './NodeDetail';
import { NodesTable } from './NodesTable';
import { RemoveNodeDialog } from './RemoveNodeDialog';
import { useNodeSelection } from './use-selection';
import './nodes.css';

// The form carries the input rules (zod); it loads after the first render, off the start-up path.
const loadForm = () => import('./NodeFormDialog');
const NodeFormDialog = lazy(() => loadForm().then((m) => ({ default: m.NodeFormDialog })));
// The Install dialog reads the contract (zod) to see whether profiles can be listed.
const InstallDialog = lazy(() => import('./InstallDialog').then((m) => ({ default: m.InstallDialog })));
// Bulk actions load when first used: the command dialog carries the contract's zod schema.
const BulkCommandDialog = lazy(() => import('./BulkCommandDialog').then((m) => ({ default: m.BulkCommandDialog })));
const BulkRecipeDialog = lazy(() => import('./BulkRecipeDialog').then((m) => ({ default: m.BulkRecipeDialog })));
const ExportDialog = lazy(() => import('./ExportDialog').then((m) => ({ default: m.ExportDialog })));
const BulkRunPanel = lazy(() => import('./BulkRunPanel').then((m) => ({ default: m.BulkRunPanel })));

type Open =
  | { kind: 'add' }
  | { kind: 'edit'; node: Node }
  | { kind: 'remove'; node: Node }
  | { kind: 'install'; node: Node }
  | { kind: 'bulk-command' | 'bulk-recipe'; nodes: BulkTarget[] }
  | { kind: 'export'; what: ExportKind; nodes: BulkTarget[] }
  | null;

const count = (n: number) => n.toLocaleString('en-US');

export function NodesPage() {
  const nodes = useNodes((s) => s.nodes);
  const status = useNodes((s) => s.status);
  const loadError = useNodes((s) => s.error);
  const jobs = useJobs((s) => s.jobs);
  const [filter, setFilter] = useState<NodeFilter>(EMPTY_FILTER);
  const [sort, setSort] = useState<SortSpec>({ key: 'name', dir: 'asc' });
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [run, setRun] = useState<BulkRun | null>(null);

  const rows = useMemo(() => sortNodes(filterNodes(nodes, filter), sort), [nodes, filter, sort]);
  const selection = useNodeSelection(nodes, rows);
  // What a bulk action works on: the selection as it is when the action is chosen.
  const targets = (): BulkTarget[] => selection.selected.map((n) => ({ id: n.id, name: n.name }));
  const tags = useMemo(() => allTags(nodes), [nodes]);
  const latestJobs = useMemo(() => latestJobByNode(jobs), [jobs]);

  // Benchmark marks: 'filter-start' is set on the input event; this runs once the filtered
  // rows have been committed.
  useEffect(() => {
    void loadForm();
  }, []);

  const filterMarkPending = useRef(false);
  useEffect(() => {
    if (!filterMarkPending.current) return;
    filterMarkPending.current = false;
    performance.mark('filter-end');
    performance.measure('filter', 'filter-start', 'filter-end');
  }, [filter.query]);

  const onSort = useCallback(
    (key: SortKey) => setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' })),
    [],
  );

  const onCheck = useCallback(async (node: Node) => {
    setNotice(null);
    try {
      onJobChanged(await rpc().call('nodes.checkConnectivity', { id: node.id }));
    } catch (err) {
      setNotice(`Could not start the connectivity check of ${node.name}: ${errorMessage(err)}`);
    }
  }, []);
  const onEdit = useCallback((node: Node) => setOpen({ kind: 'edit', node }), []);
  const onRemove = useCallback((node: Node) => setOpen({ kind: 'remove', node }), []);
  const onInstall = useCallback((node: Node) => setOpen({ kind: 'install', node }), []);
  const onCancelInstall = useCallback(async (node: Node) => {
    setNotice(null);
    try {
      onNodesChanged({ op: 'upsert', node: await rpc().call('nodes.cancelInstall', { id: node.id }) });
    } catch (err) {
      setNotice(`Could not cancel the install of ${node.name}: ${errorMessage(err)}`);
    }
  }, []);

  const detailId = useRouteItem();
  const detailNode = detailId === null ? undefined : status === 'loading' ? undefined : (nodes.find((n) => n.id === detailId) ?? null);
  const closeDetail = useCallback(() => navigate('nodes'), []);

  const filtering = isFiltering(filter);

  return (
    <section className="page-section nodes-page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Nodes</h1>
        <p className="count" aria-live="polite" data-testid="node-count">
          {filtering ? `${count(rows.length)} of ${count(nodes.length)} nodes` : `${count(nodes.length)} ${nodes.length === 1 ? 'node' : 'nodes'}`}
        </p>
        <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'add' })}>
          Add node
        </button>
      </div>

      <div className="toolbar" role="search">
        <input
          type="search"
          className="search"
          aria-label="Search nodes"
          placeholder="Search name, MAC, address, tags, notes"
          value={filter.query}
          onInput={() => {
            performance.mark('filter-start');
            filterMarkPending.current = true;
          }}
          onChange={(e) => setFilter((f) => ({ ...f, query: e.target.value }))}
        />
        <label className="select-label">
          State
          <select value={filter.state} onChange={(e) => setFilter((f) => ({ ...f, state: e.target.value as NodeState | '' }))}>
            <option value="">All</option>
            {NODE_STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="select-label">
          Role
          <select value={filter.role} onChange={(e) => setFilter((f) => ({ ...f, role: e.target.value as NodeRole | '' }))}>
            <option value="">All</option>
            {NODE_ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label className="select-label">
          Tag
          <select value={filter.tag} onChange={(e) => setFilter((f) => ({ ...f, tag: e.target.value }))}>
            <option value="">All</option>
            {tags.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </div>

      {notice && (
        <div className="notice notice-error" role="alert">
          {notice}
          <button type="button" className="btn btn-small" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}

      {selection.selected.length > 0 && (
        <BulkActionBar
          count={selection.selected.length}
          hidden={selection.hidden}
          onRunRecipe={() => setOpen({ kind: 'bulk-recipe', nodes: targets() })}
          onRunCommand={() => setOpen({ kind: 'bulk-command', nodes: targets() })}
          onExportSshConfig={() => setOpen({ kind: 'export', what: 'ssh-config', nodes: targets() })}
          onExportAnsible={() => setOpen({ kind: 'export', what: 'ansible', nodes: targets() })}
          onClear={selection.clear}
        />
      )}

      {run && (
        <Suspense fallback={null}>
          <BulkRunPanel run={run} onDismiss={() => setRun(null)} />
        </Suspense>
      )}

      {status === 'error' ? (
        <div className="notice notice-error" role="alert">
          Could not load the nodes: {loadError}
        </div>
      ) : status === 'loading' ? (
        <p className="empty" role="status">
          Loading nodes…
        </p>
      ) : nodes.length === 0 ? (
        <div className="empty">
          <h2>No nodes yet</h2>
          <p>Add the machines in your rack by their MAC address; Rackpilot takes it from there.</p>
          <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'add' })}>
            Add your first node
          </button>
        </div>
      ) : rows.length === 0 ? (
        <div className="empty">
          <h2>No nodes match</h2>
          <p>None of the {count(nodes.length)} nodes match this search and these filters.</p>
          <button type="button" className="btn" onClick={() => setFilter(EMPTY_FILTER)}>
            Clear search and filters
          </button>
        </div>
      ) : (
        <NodesTable
          rows={rows}
          sort={sort}
          onSort={onSort}
          latestJobs={latestJobs}
          selected={selection.ids}
          visible={selection.visible}
          onToggle={selection.toggle}
          onToggleAllVisible={selection.toggleVisible}
          onEdit={onEdit}
          onRemove={onRemove}
          onCheck={onCheck}
          onInstall={onInstall}
          onCancelInstall={onCancelInstall}
        />
      )}

      <Suspense fallback={null}>
        {open?.kind === 'add' && <NodeFormDialog onClose={() => setOpen(null)} />}
        {open?.kind === 'edit' && <NodeFormDialog key={open.node.id} node={open.node} onClose={() => setOpen(null)} />}
        {open?.kind === 'install' && <InstallDialog key={open.node.id} node={open.node} onClose={() => setOpen(null)} />}
        {open?.kind === 'bulk-command' && <BulkCommandDialog nodes={open.nodes} onStarted={setRun} onClose={() => setOpen(null)} />}
        {open?.kind === 'bulk-recipe' && <BulkRecipeDialog nodes={open.nodes} onStarted={setRun} onClose={() => setOpen(null)} />}
        {open?.kind === 'export' && <ExportDialog kind={open.what} nodes={open.nodes} onClose={() => setOpen(null)} />}
      </Suspense>
      {detailId !== null && (
        <NodeDetail node={detailNode} onClose={closeDetail} onEdit={onEdit} onInstall={onInstall} onCancelInstall={onCancelInstall} />
      )}
      {open?.kind === 'remove' && <RemoveNodeDialog node={open.node} onClose={() => setOpen(null)} />}
    </section>
  );
}
