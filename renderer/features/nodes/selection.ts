/**
 * Multi-selection in the node table (pure). Selection is by node id, so it survives sorting and
 * filtering; ranges are taken over the rows as they are shown now, from the last row clicked (the
 * anchor) to the row shift-clicked, and always add to (or remove from) what is selected already.
 */

export interface Selection {
  ids: ReadonlySet<string>;
  /** The row a shift-click extends from: the last one toggled on its own. */
  anchor: string | null;
}

interface HasId {
  id: string;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

/** A plain click on a row's checkbox: flips that row and makes it the anchor. */
export function toggleOne(sel: Selection, id: string): Selection {
  const ids = new Set(sel.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
}

/**
 * A shift-click: every row between the anchor and `toId` (inclusive, in the shown order) takes the
 * state the clicked row is switching to. Without a usable anchor (none yet, or filtered out) it is
 * a plain click. The anchor stays, so further shift-clicks pivot around it as in file managers.
 */
export function selectRange(sel: Selection, rows: readonly HasId[], toId: string): Selection {
  const from = sel.anchor === null ? -1 : rows.findIndex((r) => r.id === sel.anchor);
  const to = rows.findIndex((r) => r.id === toId);
  if (from < 0 || to < 0) return toggleOne(sel, toId);
  const select = !sel.ids.has(toId);
  const ids = new Set(sel.ids);
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  for (let i = lo; i <= hi; i++) {
    const id = rows[i]!.id;
    if (select) ids.add(id);
    else ids.delete(id);
  }
  return { ids, anchor: sel.anchor };
}

export type VisibleState = 'none' | 'some' | 'all';

/** How much of what is shown is selected, for the header checkbox (checked / mixed / clear). */
export function visibleState(sel: Selection, rows: readonly HasId[]): VisibleState {
  if (rows.length === 0) return 'none';
  let n = 0;
  for (const r of rows) if (sel.ids.has(r.id)) n++;
  return n === 0 ? 'none' : n === rows.length ? 'all' : 'some';
}

/**
 * "Select all visible": adds every shown row to the selection; when all of them are selected
 * already, it clears them instead (rows hidden by the filter keep their state either way).
 */
export function toggleAllVisible(sel: Selection, rows: readonly HasId[]): Selection {
  const ids = new Set(sel.ids);
  if (visibleState(sel, rows) === 'all') for (const r of rows) ids.delete(r.id);
  else for (const r of rows) ids.add(r.id);
  return { ids, anchor: sel.anchor };
}

/** Drops nodes that no longer exist (removed here or elsewhere); returns `sel` when none did. */
export function pruneSelection(sel: Selection, nodes: readonly HasId[]): Selection {
  if (sel.ids.size === 0) return sel;
  const existing = new Set(nodes.map((n) => n.id));
  let changed = false;
  const ids = new Set<string>();
  for (const id of sel.ids) {
    if (existing.has(id)) ids.add(id);
    else changed = true;
  }
  if (!changed) return sel;
  return { ids, anchor: sel.anchor !== null && existing.has(sel.anchor) ? sel.anchor : null };
}

/** The selected nodes, in the order given (the table's order when passed the shown rows). */
export function selectedOf<T extends HasId>(sel: Selection, nodes: readonly T[]): T[] {
  return sel.ids.size === 0 ? [] : nodes.filter((n) => sel.ids.has(n.id));
}

/** How many selected nodes the current filter hides, for the bulk bar's "(n not shown)". */
export function hiddenCount(sel: Selection, rows: readonly HasId[]): number {
  let shown = 0;
  for (const r of rows) if (sel.ids.has(r.id)) shown++;
  return sel.ids.size - shown;
}
