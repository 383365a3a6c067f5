/**
 * The stack's override files under compose.yaml: each a name and a YAML editor with its own
 * validation markers; add, rename, remove. They merge over compose.yaml in the order shown.
 */
import { useMemo } from 'react';
import type { ComposeIssue } from '../../../shared/domain/stack';
import { CodeEditor } from './CodeEditor';
import { markersFor } from './compose-markers';
import { MAX_OVERRIDES, nextOverrideName, overrideStarter, type OverrideDraft } from './overrides-form';

interface OverridesEditorProps {
  drafts: OverrideDraft[];
  /** Name problems by draft key. */
  errors: Record<number, string>;
  issues: readonly ComposeIssue[];
  /** The first service of the stack, for a new file's starting text. */
  firstService: string | undefined;
  onChange(drafts: OverrideDraft[]): void;
  newKey(): number;
}

export function OverridesEditor({ drafts, errors, issues, firstService, onChange, newKey }: OverridesEditorProps) {
  const update = (key: number, patch: Partial<OverrideDraft>) => onChange(drafts.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  const add = () => {
    const name = nextOverrideName(drafts);
    onChange([...drafts, { key: newKey(), name, content: overrideStarter(name, firstService) }]);
  };
  return (
    <section className="stack-overrides" aria-label="Override files">
      {drafts.length > 0 && <p className="field-hint">Merged over compose.yaml in this order, as docker compose -f compose.yaml -f … does (also on the node).</p>}
      {drafts.map((draft, i) => (
        <OverrideFile
          key={draft.key}
          draft={draft}
          index={i}
          error={errors[draft.key]}
          issues={issues}
          onChange={(patch) => update(draft.key, patch)}
          onRemove={() => onChange(drafts.filter((d) => d.key !== draft.key))}
        />
      ))}
      <button type="button" className="btn btn-small" disabled={drafts.length >= MAX_OVERRIDES} onClick={add}>
        Add override file
      </button>
    </section>
  );
}

interface OverrideFileProps {
  draft: OverrideDraft;
  index: number;
  error: string | undefined;
  issues: readonly ComposeIssue[];
  onChange(patch: Partial<OverrideDraft>): void;
  onRemove(): void;
}

function OverrideFile({ draft, index, error, issues, onChange, onRemove }: OverrideFileProps) {
  const name = draft.name.trim();
  const markers = useMemo(() => markersFor(draft.content, issues, name), [draft.content, issues, name]);
  const errorId = `stack-override-${draft.key}-error`;
  return (
    <div className="stack-override">
      <div className="stack-override-head">
        <input
          type="text"
          aria-label={`Name of override file ${index + 1}`}
          className="mono stack-file-title"
          value={draft.name}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => onChange({ name: e.target.value })}
        />
        <button type="button" className="btn btn-small btn-danger-quiet" aria-label={`Remove override file ${name || index + 1}`} onClick={onRemove}>
          Remove
        </button>
      </div>
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
      <CodeEditor value={draft.content} onChange={(content) => onChange({ content })} label={name || `override file ${index + 1}`} language="yaml" markers={markers} size="small" />
    </div>
  );
}
