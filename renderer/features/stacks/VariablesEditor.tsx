/** The per-stack variables: name/value rows that override the stack's .env when it is applied. */
import type { VariableRow } from './variables-form';

interface VariablesEditorProps {
  rows: VariableRow[];
  errors: Record<number, string>;
  onChange(rows: VariableRow[]): void;
  newKey(): number;
}

export function VariablesEditor({ rows, errors, onChange, newKey }: VariablesEditorProps) {
  const update = (key: number, patch: Partial<VariableRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset className="stack-variables">
      <legend>Variables</legend>
      <p className="field-hint">Override the .env for this stack, as variables set in the shell do for docker compose.</p>
      {rows.length === 0 && <p className="muted">No variables.</p>}
      {rows.map((row, i) => (
        <div key={row.key} className="stack-variable-row">
          <input
            type="text"
            aria-label={`Name of variable ${i + 1}`}
            className="mono"
            value={row.name}
            placeholder="NAME"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={errors[row.key] ? true : undefined}
            aria-describedby={errors[row.key] ? `stack-var-${row.key}-error` : undefined}
            onChange={(e) => update(row.key, { name: e.target.value })}
          />
          <input
            type="text"
            aria-label={`Value of variable ${i + 1}`}
            className="mono"
            value={row.value}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => update(row.key, { value: e.target.value })}
          />
          <button type="button" className="btn btn-small btn-danger-quiet" aria-label={`Remove variable ${row.name || i + 1}`} onClick={() => onChange(rows.filter((r) => r.key !== row.key))}>
            Remove
          </button>
          {errors[row.key] && (
            <p className="field-error" id={`stack-var-${row.key}-error`}>
              {errors[row.key]}
            </p>
          )}
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => onChange([...rows, { key: newKey(), name: '', value: '' }])}>
        Add variable
      </button>
    </fieldset>
  );
}
