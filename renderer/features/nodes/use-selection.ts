/** The node table's selection as React state: pruned when nodes go away, ranges over the shown rows. */
import { useCallback, useMemo, useState } from 'react';
import type { Node } from '../../../shared/domain/node';
import { EMPTY_SELECTION, hiddenCount, pruneSelection, selectedOf, selectRange, toggleAllVisible, toggleOne, visibleState, type Selection } from './selection';

export function useNodeSelection(nodes: readonly Node[], rows: readonly Node[]) {
  const [raw, setSelection] = useState<Selection>(EMPTY_SELECTION);
  // Nodes removed here or elsewhere leave the selection without an extra render pass.
  const selection = useMemo(() => pruneSelection(raw, nodes), [raw, nodes]);

  const toggle = useCallback((node: Node, range: boolean) => setSelection((s) => (range ? selectRange(s, rows, node.id) : toggleOne(s, node.id))), [rows]);
  const toggleVisible = useCallback(() => setSelection((s) => toggleAllVisible(s, rows)), [rows]);
  const clear = useCallback(() => setSelection(EMPTY_SELECTION), []);

  return {
    ids: selection.ids,
    /** The selected nodes: the shown ones in table order, then those the filters hide. */
    selected: useMemo(() => {
      const shown = selectedOf(selection, rows);
      if (shown.length === selection.ids.size) return shown;
      const inView = new Set(shown.map((n) => n.id));
      return [...shown, ...selectedOf(selection, nodes).filter((n) => !inView.has(n.id))];
    }, [selection, nodes, rows]),
    visible: visibleState(selection, rows),
    hidden: hiddenCount(selection, rows),
    toggle,
    toggleVisible,
    clear,
  };
}
