/** The node table header's "select all visible" checkbox: checked, mixed or clear. */
import { useEffect, useRef } from 'react';
import type { VisibleState } from './selection';

export function SelectAll({ state, count, onToggle }: { state: VisibleState; count: number; onToggle(): void }) {
  const shown = `${count.toLocaleString('en-US')} shown`;
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="row-select"
      aria-label="Select all visible nodes"
      title={state === 'all' ? `Clear the ${shown}` : `Select the ${shown}`}
      checked={state === 'all'}
      onChange={onToggle}
    />
  );
}
