/** What can be done to the selected nodes at once; shown while at least one is selected. */
interface Props {
  count: number;
  /** Selected nodes the current search or filters hide. */
  hidden: number;
  onRunRecipe(): void;
  onRunCommand(): void;
  onExportSshConfig(): void;
  onExportAnsible(): void;
  onClear(): void;
}

export function BulkActionBar({ count, hidden, onRunRecipe, onRunCommand, onExportSshConfig, onExportAnsible, onClear }: Props) {
  return (
    <div className="bulk-bar" role="group" aria-label="Actions on the selected nodes" data-testid="bulk-bar">
      <p className="bulk-count" aria-live="polite" data-testid="selected-count">
        <strong>{count.toLocaleString('en-US')}</strong> selected
        {hidden > 0 && <span className="muted"> ({hidden.toLocaleString('en-US')} not shown by the current filters)</span>}
      </p>
      <button type="button" className="btn btn-small" onClick={onRunRecipe}>
        Run recipe…
      </button>
      <button type="button" className="btn btn-small" onClick={onRunCommand}>
        Run command…
      </button>
      <button type="button" className="btn btn-small" onClick={onExportSshConfig}>
        Export SSH config
      </button>
      <button type="button" className="btn btn-small" onClick={onExportAnsible}>
        Export Ansible inventory
      </button>
      <button type="button" className="btn btn-small bulk-clear" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}
