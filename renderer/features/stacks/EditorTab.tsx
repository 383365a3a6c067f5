/**
 * The Editor tab: compose.yaml (YAML, with validation markers as you type) and its override
 * files, the stack's .env and its variables, and Save. Edits stay local until saved; a change
 * made elsewhere replaces them only while nothing here is unsaved.
 */
import { useMemo, useState } from 'react';
import type { StackDetail, StackFiles } from '../../../shared/domain/stack';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { CodeEditor } from './CodeEditor';
import { markersFor } from './compose-markers';
import { IssuesList } from './IssuesList';
import { draftsFromOverrides, overrideNameErrors, overridesFromDrafts, type OverrideDraft } from './overrides-form';
import { OverridesEditor } from './OverridesEditor';
import { useValidation } from './use-validation';
import { rowsFromVariables, variablesFromRows, type VariableRow } from './variables-form';
import { VariablesEditor } from './VariablesEditor';

const EMPTY: StackFiles = { compose: '', overrides: [], env: '', variables: {}, profiles: [] };

/** Keys for variable rows and override files, unique across editors (React only needs them stable per list). */
let lastRowKey = 0;
const newKey = () => ++lastRowKey;

interface EditorTabProps {
  detail: StackDetail;
  onSaved(detail: StackDetail): void;
}

export function EditorTab({ detail, onSaved }: EditorTabProps) {
  const { nodeId, name } = detail.summary;
  const stored = detail.files ?? EMPTY;
  const [baseline, setBaseline] = useState(stored);
  const [compose, setCompose] = useState(stored.compose);
  const [drafts, setDrafts] = useState<OverrideDraft[]>(() => draftsFromOverrides(stored.overrides, newKey));
  const [env, setEnv] = useState(stored.env);
  const [rows, setRows] = useState<VariableRow[]>(() => rowsFromVariables(stored.variables, newKey));
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const [seenFiles, setSeenFiles] = useState(detail.files);

  const parsedVars = variablesFromRows(rows);
  const variables = 'variables' in parsedVars ? parsedVars.variables : baseline.variables;
  const nameErrors = overrideNameErrors(drafts);
  const overrides = overridesFromDrafts(drafts);
  const files: StackFiles = { compose, overrides, env, variables, profiles: baseline.profiles };
  const dirty =
    compose !== baseline.compose ||
    env !== baseline.env ||
    JSON.stringify(variables) !== JSON.stringify(baseline.variables) ||
    JSON.stringify(overrides) !== JSON.stringify(baseline.overrides) ||
    'errors' in parsedVars ||
    Object.keys(nameErrors).length > 0;

  // Files changed elsewhere (another window, a rollback): take them while nothing here is unsaved.
  // Adjusted during render, as React advises for state that follows a prop.
  if (detail.files !== seenFiles) {
    setSeenFiles(detail.files);
    if (!dirty && JSON.stringify(stored) !== JSON.stringify(baseline)) {
      setBaseline(stored);
      setCompose(stored.compose);
      setDrafts(draftsFromOverrides(stored.overrides, newKey));
      setEnv(stored.env);
      setRows(rowsFromVariables(stored.variables, newKey));
    }
  }

  const validation = useValidation(name, files, detail.issues);
  const composeMarkers = useMemo(() => markersFor(compose, validation.issues, 'compose.yaml'), [compose, validation.issues]);
  const envMarkers = useMemo(() => markersFor(env, validation.issues, '.env'), [env, validation.issues]);

  const save = async () => {
    setError(null);
    setSavedNote(null);
    const checked = variablesFromRows(rows);
    if ('errors' in checked) {
      setRowErrors(checked.errors);
      return;
    }
    if (Object.keys(nameErrors).length > 0) {
      setError('Fix the names of the override files marked above, then save.');
      return;
    }
    setRowErrors({});
    setSaving(true);
    try {
      const next = { ...files, variables: checked.variables };
      const saved = await rpc().call('stacks.save', { nodeId, name, files: next });
      // The core may normalise what it stores (line endings, a final newline): show what it kept.
      const kept = saved.files ?? next;
      setBaseline(kept);
      setCompose(kept.compose);
      if (JSON.stringify(kept.overrides) !== JSON.stringify(next.overrides)) setDrafts(draftsFromOverrides(kept.overrides, newKey));
      setEnv(kept.env);
      if (JSON.stringify(kept.variables) !== JSON.stringify(next.variables)) setRows(rowsFromVariables(kept.variables, newKey));
      setSavedNote(saved.issues.some((i) => i.severity === 'error') ? 'Saved, with problems: fix them before you deploy.' : 'Saved. Open Plan to see what deploying it changes.');
      onSaved(saved);
    } catch (err) {
      setError(`Could not save ${name}: ${errorMessage(err)}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="stack-editor">
      {!detail.files && (
        <p className="notice notice-warn">
          Rackpilot has no copy of this stack&apos;s files (docker compose started it). Paste its compose.yaml here and save to manage it from Rackpilot.
        </p>
      )}
      <div className="stack-editor-grid">
        <div className="stack-editor-main">
          <h3 className="stack-file-title">compose.yaml</h3>
          <CodeEditor value={compose} onChange={setCompose} label="compose.yaml" language="yaml" markers={composeMarkers} size="large" />
          <OverridesEditor drafts={drafts} errors={nameErrors} issues={validation.issues} firstService={validation.services[0] ?? detail.summary.services[0]?.name} onChange={setDrafts} newKey={newKey} />
        </div>
        <div className="stack-editor-side">
          <h3 className="stack-file-title">.env</h3>
          <CodeEditor value={env} onChange={setEnv} label=".env" language="text" markers={envMarkers} size="small" />
          <VariablesEditor rows={rows} errors={rowErrors} onChange={setRows} newKey={newKey} />
        </div>
      </div>
      {/* A stack docker compose started has no file here yet: nothing to complain about until one is pasted. */}
      {(detail.files || compose.trim()) && <IssuesList id="stack-issue-count" issues={validation.issues} checking={validation.checking} error={validation.error} />}
      <FormError message={error} />
      <div className="stack-editor-actions">
        {savedNote && !dirty && (
          <span role="status" className="muted">
            {savedNote}
          </span>
        )}
        {dirty && <span className="muted">Unsaved changes</span>}
        <button type="button" className="btn btn-primary" disabled={saving || !dirty} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </div>
  );
}
