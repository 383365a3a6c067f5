/**
 * The node table, virtualised: only the rows in view (plus a few) are in the DOM, so 2,000
 * nodes scroll and filter smoothly. Rows have a fixed height. ARIA table semantics with
 * aria-rowcount/aria-rowindex tell assistive tech the full size; arrow keys move between rows.
 * Each row has a selection checkbox (in the name cell, which keeps the node's name as its
 * accessible name); Space on a row toggles it, shift-click or Shift+Space selects a range.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Job } from '../../../shared/domain/job';
import type { Node } from '../../../shared/domain/node';
import { routeHref } from '../../router';
import { BootBadges, isArmed, isRebuild } from './boot-badges';
import type { SortKey, SortSpec } from './filter';
import type { VisibleState } from './selection';
import { SelectAll } from './SelectAll';

export const ROW_HEIGHT = 44;
const HEADER_HEIGHT = 40;

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'mac', label: 'MAC' },
  { key: 'address', label: 'Address' },
  { key: 'state', label: 'State' },
  { key: 'role', label: 'Role' },
  { key: 'tags', label: 'Tags' },
  { key: 'sshUser', label: 'SSH user' },
];

export interface RowActions {
  onEdit(node: Node): void;
  onRemove(node: Node): void;
  onCheck(node: Node): void;
  onInstall(node: Node): void;
  onCancelInstall(node: Node): void;
}

export interface SelectionProps {
  selected: ReadonlySet<string>;
  /** How much of what is shown is selected, for the header checkbox. */
  visible: VisibleState;
  /** A row's checkbox (or Space on the row); `range` for shift-click / Shift+Space. */
  onToggle(node: Node, range: boolean): void;
  onToggleAllVisible(): void;
}

interface Props extends RowActions, SelectionProps {
  rows: Node[];
  sort: SortSpec;
  onSort(key: SortKey): void;
  latestJobs: Map<string, Job>;
}

let markedRendered = false;

export function NodesTable({ rows, sort, onSort, latestJobs, selected, visible, onToggle, onToggleAllVisible, ...actions }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const focusPending = useRef(false);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is the documented way
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    scrollMargin: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const activeIndex = Math.min(focusIndex, Math.max(rows.length - 1, 0));

  useEffect(() => {
    if (!markedRendered && items.length > 0) {
      markedRendered = true;
      performance.mark('nodes-rendered');
    }
  }, [items.length]);

  // After an arrow key moved the active row (and the virtualizer scrolled to it), focus it.
  useEffect(() => {
    if (!focusPending.current) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`);
    if (el) {
      focusPending.current = false;
      el.focus({ preventScroll: true });
    }
  });

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setFocusIndex(next);
    focusPending.current = true;
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onRowKeyDown = (e: KeyboardEvent<HTMLDivElement>, index: number, node: Node) => {
    if (e.target !== e.currentTarget) return; // keys in a row's buttons are theirs
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    const target = moves[e.key];
    if (target !== undefined) {
      e.preventDefault();
      moveTo(target);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      actions.onEdit(node);
    } else if (e.key === ' ') {
      e.preventDefault();
      onToggle(node, e.shiftKey);
    }
  };

  return (
    <div className="table-scroll" ref={scrollRef} data-testid="nodes-scroll">
      <div role="table" aria-label="Nodes" aria-rowcount={rows.length + 1} className="nodes-table">
        <div role="rowgroup" className="thead">
          <div role="row" aria-rowindex={1} className="tr nodes-cols" style={{ height: HEADER_HEIGHT }}>
            {COLUMNS.map((c) => {
              const active = sort.key === c.key;
              return (
                <div
                  key={c.key}
                  role="columnheader"
                  className={c.key === 'name' ? 'th th-name' : 'th'}
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                  aria-label={c.key === 'name' ? c.label : undefined}
                >
                  {c.key === 'name' && <SelectAll state={visible} count={rows.length} onToggle={onToggleAllVisible} />}
                  <button type="button" className="sort-btn" onClick={() => onSort(c.key)}>
                    {c.label}
                    <span className="sort-arrow" aria-hidden="true">
                      {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </div>
              );
            })}
            <div role="columnheader" className="th th-actions">
              Actions
            </div>
          </div>
        </div>
        <div role="rowgroup" className="tbody" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const node = rows[item.index];
            if (!node) return null;
            return (
              <NodeRow
                key={node.id}
                node={node}
                index={item.index}
                top={item.start - HEADER_HEIGHT}
                tabbable={item.index === activeIndex}
                selected={selected.has(node.id)}
                onToggle={onToggle}
                job={latestJobs.get(node.id)}
                onFocusRow={setFocusIndex}
                onKeyDown={onRowKeyDown}
                {...actions}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps extends RowActions {
  node: Node;
  index: number;
  top: number;
  tabbable: boolean;
  selected: boolean;
  onToggle(node: Node, range: boolean): void;
  job: Job | undefined;
  onFocusRow(index: number): void;
  onKeyDown(e: KeyboardEvent<HTMLDivElement>, index: number, node: Node): void;
}

function NodeRow({ node, index, top, tabbable, selected, onToggle, job, onFocusRow, onKeyDown, onEdit, onRemove, onCheck, onInstall, onCancelInstall }: RowProps) {
  const checking = job?.state === 'queued' || job?.state === 'running';
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-index={index}
      data-testid="node-row"
      className={`tr nodes-cols${node.state === 'discovered' ? ' row-discovered' : ''}${selected ? ' row-selected' : ''}`}
      tabIndex={tabbable ? 0 : -1}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onFocus={(e) => e.target === e.currentTarget && onFocusRow(index)}
      onKeyDown={(e) => onKeyDown(e, index, node)}
    >
      {/* The cell is named after the node alone, so "the row whose cell is r720-01" still finds it. */}
      <div role="cell" className="td td-name" title={node.name} aria-label={node.name}>
        <input
          type="checkbox"
          className="row-select"
          aria-label={`Select ${node.name}`}
          checked={selected}
          onChange={(e) => onToggle(node, (e.nativeEvent as MouseEvent).shiftKey === true)}
        />
        <a href={routeHref('nodes', node.id)} className="node-link">
          {node.name}
        </a>
      </div>
      <div role="cell" className="td mono">
        {node.mac}
      </div>
      <div role="cell" className="td mono" title={node.address}>
        {node.address || <span className="muted">—</span>}
      </div>
      <div role="cell" className="td td-state" title={node.firmware === 'unknown' ? undefined : `Firmware: ${node.firmware}`}>
        <BootBadges node={node} />
      </div>
      <div role="cell" className="td">
        {node.role}
      </div>
      <div role="cell" className="td td-tags" title={node.tags.join(', ')}>
        {node.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
      </div>
      <div role="cell" className="td">
        {node.sshUser}
      </div>
      <div role="cell" className="td td-actions">
        <CheckStatus job={job} />
        <button type="button" className="btn btn-small" disabled={checking} aria-label={`Check connectivity of ${node.name}`} onClick={() => onCheck(node)}>
          Check
        </button>
        {isArmed(node) ? (
          <button type="button" className="btn btn-small" aria-label={`Cancel install of ${node.name}`} onClick={() => onCancelInstall(node)}>
            Cancel install
          </button>
        ) : isRebuild(node) ? (
          <button type="button" className="btn btn-small" aria-label={`Rebuild ${node.name}`} onClick={() => onInstall(node)}>
            Rebuild…
          </button>
        ) : (
          <button type="button" className="btn btn-small" aria-label={`Install ${node.name}`} onClick={() => onInstall(node)}>
            Install…
          </button>
        )}
        <button type="button" className="btn btn-small" aria-label={`Edit ${node.name}`} onClick={() => onEdit(node)}>
          Edit
        </button>
        <button type="button" className="btn btn-small btn-danger-quiet" aria-label={`Remove ${node.name}`} onClick={() => onRemove(node)}>
          Remove
        </button>
      </div>
    </div>
  );
}

/** The latest connectivity check of a node, in a word; details are on the Activity page. */
function CheckStatus({ job }: { job: Job | undefined }) {
  if (!job || job.kind !== 'node.connectivity') return <span className="check-status" />;
  const label =
    job.state === 'queued' || job.state === 'running'
      ? 'Checking…'
      : job.state === 'succeeded'
        ? 'Reachable'
        : job.state === 'failed'
          ? 'Unreachable'
          : job.state === 'cancelled'
            ? 'Cancelled'
            : 'Interrupted';
  const detail = job.error?.message ?? (job.state === 'succeeded' ? bannerOf(job.result) : undefined);
  return (
    <a href="#/activity" className={`check-status check-${job.state}`} title={detail} data-testid="check-status">
      {label}
    </a>
  );
}

function bannerOf(result: unknown): string | undefined {
  const banner = (result as { banner?: unknown } | null)?.banner;
  return typeof banner === 'string' ? banner : undefined;
}
