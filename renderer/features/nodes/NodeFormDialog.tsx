/**
 * Add or edit a node. Fields are checked with the shared schema as you leave them; on submit the
 * core has the last word, and its field errors (details.issues) appear next to their fields.
 */
import { useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import { NODE_ROLES, type Node } from '../../../shared/domain/node';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { Field, type FieldControlProps } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { rpc } from '../../rpc/api';
import {
  blankForm,
  changesFrom,
  checkLocally,
  errorsFromCore,
  FORM_FIELDS,
  formFromNode,
  toInput,
  type FieldErrors,
  type FormField,
  type FormValues,
} from './form';

interface Props {
  /** The node to edit; absent to add a new one. */
  node?: Node;
  onClose: () => void;
  onSaved?: (node: Node) => void;
}

export function NodeFormDialog({ node, onClose, onSaved }: Props) {
  const [original] = useState<FormValues>(() => (node ? formFromNode(node) : blankForm()));
  const [values, setValues] = useState<FormValues>(original);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const set = (field: FormField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors(({ [field]: _cleared, ...rest }) => rest);
  };
  const checkField = (field: FormField) => {
    const message = checkLocally(values)[field];
    if (message) setErrors((e) => ({ ...e, [field]: message }));
  };
  const focusFirstError = (fields: FieldErrors) => {
    const first = FORM_FIELDS.find((f) => fields[f]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setGeneral(null);
    const local = checkLocally(values);
    if (Object.keys(local).length > 0) {
      setErrors(local);
      focusFirstError(local);
      return;
    }
    const { input } = toInput(values);
    setBusy(true);
    try {
      const saved = node
        ? await rpc().call('nodes.update', { id: node.id, changes: changesFrom(original, values, input) })
        : await rpc().call('nodes.create', input);
      onSaved?.(saved);
      onClose();
    } catch (err) {
      const { fields, general: message } = errorsFromCore(err);
      setErrors(fields);
      setGeneral(message);
      focusFirstError(fields);
    } finally {
      setBusy(false);
    }
  };

  // A field's error takes the place of its hint.
  const field = (name: FormField, label: string, control: (a11y: FieldControlProps) => ReactNode, hint?: string) => (
    <Field id={`node-${name}`} name={name} label={label} error={errors[name]} hint={errors[name] ? undefined : hint} className={`field-${name}`} errorTestId={`${name}-error`}>
      {control}
    </Field>
  );
  const text = (name: FormField, extra: Partial<InputHTMLAttributes<HTMLInputElement>> = {}) => (a11y: FieldControlProps) => (
    <input
      {...a11y}
      {...extra}
      type="text"
      value={values[name]}
      onChange={(e) => set(name, e.target.value)}
      onBlur={() => checkField(name)}
    />
  );

  return (
    <Dialog title={node ? `Edit ${node.name}` : 'Add node'} onClose={onClose} initialFocus={nameRef} className="dialog-form">
      <form ref={formRef} onSubmit={submit} noValidate>
        <FormError message={general} />
        <div className="form-grid">
          {field('name', 'Name', (a) => (
            <input
              {...a}
              ref={nameRef}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={values.name}
              onChange={(e) => set('name', e.target.value)}
              onBlur={() => values.name !== '' && checkField('name')}
            />
          ), 'Becomes the host name, e.g. r720-01')}
          {field('mac', 'MAC address', text('mac', { spellCheck: false, autoComplete: 'off', placeholder: '52:54:00:12:34:56' }))}
          {field('address', 'Address', text('address', { spellCheck: false, placeholder: '192.168.1.20 or r720-01.lan' }), 'IP address or host name; may stay empty until known')}
          {field('sshUser', 'SSH user', text('sshUser', { spellCheck: false, autoComplete: 'off' }))}
          {field('sshPort', 'SSH port', text('sshPort', { inputMode: 'numeric' }))}
          {field('role', 'Role', (a) => (
            <select {...a} value={values.role} onChange={(e) => set('role', e.target.value)}>
              {NODE_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          ))}
          {field('tags', 'Tags', text('tags', { spellCheck: false, placeholder: 'rack-a, gpu' }), 'Comma separated')}
          {field('notes', 'Notes', (a) => (
            <textarea {...a} rows={3} value={values.notes} onChange={(e) => set('notes', e.target.value)} onBlur={() => checkField('notes')} />
          ))}
        </div>
        <DialogActions onCancel={onClose}>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : node ? 'Save changes' : 'Add node'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
