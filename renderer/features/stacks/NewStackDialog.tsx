/**
 * "New stack" on the chosen target: a name, and what to start from — a blank compose file or a
 * template, whose variables are asked here. The stack is stored, not deployed: the Editor and Plan
 * tabs come next.
 */
import { useEffect, useState } from 'react';
import type { StackDetail, StackTemplate } from '../../../shared/domain/stack';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { formErrorsFromCore } from '../../rpc/form-errors';
import { loadTemplates } from '../../stores/stacks';
import { BLANK, BLANK_COMPOSE, checkNewStack, defaultValues, type NewStackErrors } from './new-stack-form';
import { TemplateVariablesFields } from './TemplateVariablesFields';

interface Props {
  nodeId: string;
  targetName: string;
  existing: readonly string[];
  onCreated(detail: StackDetail): void;
  onClose(): void;
}

export function NewStackDialog({ nodeId, targetName, existing, onCreated, onClose }: Props) {
  const [templates, setTemplates] = useState<StackTemplate[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [choice, setChoice] = useState<string>(BLANK);
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<NewStackErrors>({ values: {} });
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadTemplates().then(setTemplates, (err: unknown) => setLoadError(`Could not load the templates: ${errorMessage(err)}. You can still start from a blank file.`));
  }, []);
  const template = templates?.find((t) => t.id === choice) ?? null;

  const choose = (id: string) => {
    setChoice(id);
    setValues(defaultValues(templates?.find((t) => t.id === id) ?? null));
    setErrors({ values: {} });
    if (!name && id !== BLANK) setName(id);
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setGeneral(null);
    const found = checkNewStack(name, existing, template, values);
    if (found) {
      setErrors(found);
      return;
    }
    setErrors({ values: {} });
    setBusy(true);
    try {
      const detail = template
        ? await rpc().call('stacks.createFromTemplate', { nodeId, name, templateId: template.id, values })
        : await rpc().call('stacks.save', { nodeId, name, files: { compose: BLANK_COMPOSE, env: '', variables: {}, profiles: [] } });
      onCreated(detail);
      onClose();
    } catch (err) {
      const core = formErrorsFromCore(err, (path) => (path[0] === 'name' ? 'name' : path[0] === 'values' && typeof path[1] === 'string' ? `values.${path[1]}` : null));
      const valueErrors = Object.fromEntries(Object.entries(core.fields).flatMap(([k, v]) => (k.startsWith('values.') && v ? [[k.slice(7), v]] : [])));
      setErrors({ name: core.fields.name, values: valueErrors });
      setGeneral(core.general);
      setBusy(false);
    }
  };

  return (
    <Dialog title={`New stack on ${targetName}`} onClose={onClose} className="dialog-form dialog-wide">
      <form onSubmit={submit} noValidate>
        <FormError message={general} />
        <Field id="new-stack-name" name="name" label="Name" error={errors.name} hint="Lowercase letters, digits, - and _ (the docker compose project name)">
          {(control) => <input {...control} type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} required />}
        </Field>
        <fieldset className="stack-templates">
          <legend>Start from</legend>
          {loadError && <p className="notice notice-warn">{loadError}</p>}
          {!templates && !loadError && <p className="muted" role="status">Loading templates…</p>}
          <div className="stack-template-choices">
            <TemplateChoice id={BLANK} title="Blank" description="An almost empty compose.yaml to write your own." chosen={choice} onChoose={choose} />
            {templates?.map((t) => <TemplateChoice key={t.id} id={t.id} title={t.title} description={t.description} chosen={choice} onChoose={choose} />)}
          </div>
        </fieldset>
        {template && <TemplateVariablesFields template={template} values={values} errors={errors.values} onChange={(k, v) => setValues((s) => ({ ...s, [k]: v }))} />}
        <DialogActions onCancel={onClose}>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create stack'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function TemplateChoice({ id, title, description, chosen, onChoose }: { id: string; title: string; description: string; chosen: string; onChoose(id: string): void }) {
  const inputId = `new-stack-from-${id}`;
  return (
    <label className="radio-card" htmlFor={inputId}>
      <input id={inputId} type="radio" name="new-stack-from" value={id} checked={chosen === id} onChange={() => onChoose(id)} aria-describedby={`${inputId}-desc`} />
      <span>
        <strong>{title}</strong>
        <span id={`${inputId}-desc`} className="stack-template-description muted">
          {description}
        </span>
      </span>
    </label>
  );
}
