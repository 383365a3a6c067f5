/** The recipe parameters (only those the chosen recipe reads) and the "Check only" switch. */
import { Field } from '../../components/Field';
import { paramsUsedBy, type ParamErrors, type ParamField, type RecipeFormValues } from './recipe-form';

interface Props {
  idBase: string;
  recipe: string;
  values: RecipeFormValues;
  errors: ParamErrors;
  onChange(values: RecipeFormValues, cleared?: ParamField): void;
}

/** Checked on submit (not on blur: a message appearing under the pointer moves what it was about to click). */
export function RecipeParamsFields({ idBase, recipe, values, errors, onChange }: Props) {
  const used = paramsUsedBy(recipe);
  const set = <K extends keyof RecipeFormValues>(key: K, value: RecipeFormValues[K]) =>
    onChange({ ...values, [key]: value }, key === 'timezone' || key === 'packages' ? key : undefined);
  return (
    <div className="recipe-params">
      {used.length > 0 && (
        <fieldset className="form-grid">
          <legend>Parameters</legend>
          {used.includes('timezone') && (
            <Field id={`${idBase}-timezone`} name="timezone" label="Time zone" error={errors.timezone} hint={errors.timezone ? undefined : 'A tz database name, e.g. UTC or Europe/Berlin'}>
              {(a) => (
                <input {...a} type="text" spellCheck={false} autoComplete="off" value={values.timezone} onChange={(e) => set('timezone', e.target.value)} />
              )}
            </Field>
          )}
          {used.includes('packages') && (
            <Field id={`${idBase}-packages`} name="packages" label="Extra packages" error={errors.packages} hint={errors.packages ? undefined : 'Debian package names, separated by spaces or commas, e.g. htop jq'}>
              {(a) => (
                <input {...a} type="text" spellCheck={false} autoComplete="off" value={values.packages} onChange={(e) => set('packages', e.target.value)} />
              )}
            </Field>
          )}
          {used.includes('unattendedUpgrades') && (
            <label className="check field-wide" htmlFor={`${idBase}-unattended`}>
              <input id={`${idBase}-unattended`} type="checkbox" checked={values.unattendedUpgrades} onChange={(e) => set('unattendedUpgrades', e.target.checked)} />
              <span>Unattended security upgrades (installed and scheduled daily)</span>
            </label>
          )}
        </fieldset>
      )}
      <div className="check-field">
        <label className="check" htmlFor={`${idBase}-check-only`}>
          <input id={`${idBase}-check-only`} type="checkbox" checked={values.checkOnly} onChange={(e) => set('checkOnly', e.target.checked)} aria-describedby={`${idBase}-check-only-hint`} />
          <span>Check only</span>
        </label>
        <p className="field-hint" id={`${idBase}-check-only-hint`}>
          Run every check, change nothing, and report what would change.
        </p>
      </div>
    </div>
  );
}
