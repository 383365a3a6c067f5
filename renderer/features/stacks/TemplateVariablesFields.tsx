/** The chosen template's variables as form fields; secret ones (passwords, tokens) are masked. */
import type { StackTemplate } from '../../../shared/domain/stack';
import { Field } from '../../components/Field';

interface Props {
  template: StackTemplate;
  values: Record<string, string>;
  errors: Record<string, string>;
  onChange(name: string, value: string): void;
}

export function TemplateVariablesFields({ template, values, errors, onChange }: Props) {
  if (template.variables.length === 0) return <p className="muted">{template.title} asks for nothing: it is ready to plan once created.</p>;
  return (
    <fieldset className="stack-template-vars">
      <legend>Settings of {template.title}</legend>
      <div className="form-grid">
        {template.variables.map((v) => (
          <Field key={v.name} id={`tpl-var-${v.name}`} name={`var-${v.name}`} label={v.required ? `${v.label} (required)` : v.label} error={errors[v.name]} hint={v.help || undefined}>
            {(control) => (
              <input
                {...control}
                type={v.secret ? 'password' : 'text'}
                autoComplete={v.secret ? 'new-password' : 'off'}
                spellCheck={false}
                value={values[v.name] ?? ''}
                onChange={(e) => onChange(v.name, e.target.value)}
              />
            )}
          </Field>
        ))}
      </div>
    </fieldset>
  );
}
