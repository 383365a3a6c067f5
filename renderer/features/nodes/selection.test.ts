import { describe, expect, it } from 'vitest';
import {
  EMPTY_SELECTION,
  hiddenCount,
  pruneSelection,
  selectedOf,
  selectRange,
  toggleAllVisible,
  toggleOne,
  visibleState,
  type Selection,
} from './selection';

const rows = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
const ids = (s: Selection) => [...s.ids].sort();

describe('node table selection', () => {
  it('toggles one row and makes it the anchor', () => {
    const s = toggleOne(EMPTY_SELECTION, 'b');
    expect(ids(s)).toEqual(['b']);
    expect(s.anchor).toBe('b');
    expect(ids(toggleOne(s, 'b'))).toEqual([]);
    expect(EMPTY_SELECTION.ids.size).toBe(0); // never mutated
  });

  it('shift-click selects the range from the anchor, in either direction, and extends the selection', () => {
    let s = toggleOne(EMPTY_SELECTION, 'e'); // something selected already
    s = toggleOne(s, 'b');
    s = selectRange(s, rows, 'd');
    expect(ids(s)).toEqual(['b', 'c', 'd', 'e']);
    expect(s.anchor).toBe('b');
    s = selectRange(toggleOne(EMPTY_SELECTION, 'd'), rows, 'a');
    expect(ids(s)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('shift-click on a selected row clears the range instead', () => {
    let s = toggleOne(EMPTY_SELECTION, 'a');
    s = selectRange(s, rows, 'e');
    s = toggleOne(s, 'b'); // b off, anchor b
    s = selectRange(s, rows, 'd'); // d is on: the range b..d goes off
    expect(ids(s)).toEqual(['a', 'e']);
  });

  it('without an anchor in view, shift-click is a plain toggle', () => {
    const s = selectRange({ ids: new Set(['x']), anchor: 'x' }, rows, 'c');
    expect(ids(s)).toEqual(['c', 'x']);
    expect(s.anchor).toBe('c');
    expect(ids(selectRange(EMPTY_SELECTION, rows, 'a'))).toEqual(['a']);
  });

  it('select all visible adds the shown rows, and clears them when all are selected', () => {
    const hidden = { ids: new Set(['z']), anchor: null };
    const all = toggleAllVisible(hidden, rows.slice(0, 3));
    expect(ids(all)).toEqual(['a', 'b', 'c', 'z']);
    expect(visibleState(all, rows.slice(0, 3))).toBe('all');
    expect(visibleState(all, rows)).toBe('some');
    expect(visibleState(EMPTY_SELECTION, rows)).toBe('none');
    expect(visibleState(all, [])).toBe('none');
    expect(ids(toggleAllVisible(all, rows.slice(0, 3)))).toEqual(['z']);
    expect(hiddenCount(all, rows.slice(0, 2))).toBe(2);
  });

  it('prunes removed nodes and lists the selected ones in table order', () => {
    const s: Selection = { ids: new Set(['c', 'a', 'gone']), anchor: 'gone' };
    const pruned = pruneSelection(s, rows);
    expect(ids(pruned)).toEqual(['a', 'c']);
    expect(pruned.anchor).toBeNull();
    expect(pruneSelection(pruned, rows)).toBe(pruned);
    expect(selectedOf(pruned, rows).map((r) => r.id)).toEqual(['a', 'c']);
  });
});
