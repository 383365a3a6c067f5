/**
 * Create or edit a boot profile; built-ins open read-only. The core checks the templates when
 * saving (unknown placeholders, YAML, a missing phone-home) and its messages appear next to the
 * field they are about.
 */
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { AssetRole } from '../../../shared/domain/asset';
import { PROFILE_KINDS, PROFILE_PLACEHOLDERS, type Profile, type ProfileSpec } from '../../../shared/domain/profile';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { Field, type FieldControlProps } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { rpc } from '../../rpc/api';
import { useAssets } from '../../stores/assets';
import { onProfilesChanged } from '../../stores/profiles';
import {
  assetChoices,
  blankProfileForm,
  formFromProfile,
  KIND_LABEL,
  PROFILE_FIELDS,
  profileErrorsFromCore,
  showsPreseed,
  toSpec,
  type ProfileErrors,
  type ProfileField,
  type ProfileForm,
} from './profile-form';

interface Props {
  /** The profile to edit (read-only when built in); absent to create one. */
  profile?: Profile;
  /** For a new profile: whose assets and templates to start from. */
  template?: Pick<Profile, keyof ProfileSpec>;
  onClose: () => void;
}

const KIND_HELP: Record<ProfileSpec['kind'], string> = {
  'cloud-init': 'A live or cloud image that runs cloud-init from the NoCloud seed (user-data below).',
  'ubuntu-autoinstall': 'Ubuntu’s installer (subiquity); user-data carries the autoinstall: section.',
  'debian-preseed': 'Debian’s installer answers the preseed below; user-data is applied by cloud-init on first boot.',
};

export function ProfileEditorDialog({ profile, template, onClose }: Props) {
  const readOnly = profile?.builtIn ?? false;
  const [values, setValues] = useState<ProfileForm>(() => (profile ? formFromProfile(profile) : blankProfileForm(template)));
  const [errors, setErrors] = useState<ProfileErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const assets = useAssets((s) => s.assets);
  const formRef = useRef<HTMLFormElement>(null);
  const firstRef = useRef<HTMLInputElement>(null);
  const base = useId();

  const set = <K extends ProfileField>(field: K, value: ProfileForm[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors(({ [field]: _cleared, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (readOnly) return;
    setGeneral(null);
    setErrors({});
    setBusy(true);
    try {
      const spec = toSpec(values);
      const saved = profile ? await rpc().call('profiles.update', { id: profile.id, changes: spec }) : await rpc().call('profiles.create', spec);
      onProfilesChanged({ op: 'upsert', profile: saved });
      onClose();
    } catch (err) {
      const found = profileErrorsFromCore(err);
      setErrors(found.fields);
      setGeneral(found.general);
      const first = PROFILE_FIELDS.find((f) => found.fields[f]);
      if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      setBusy(false);
    }
  };

  const field = (key: ProfileField, label: string, control: (a: FieldControlProps) => ReactNode, hint?: ReactNode, className = '') => (
    <Field id={`${base}-${key}`} name={key} label={label} error={errors[key]} hint={hint} className={className} errorTestId={`${key}-error`}>
      {control}
    </Field>
  );
  const assetSelect = (role: AssetRole, optional: boolean) => (a: FieldControlProps) => (
    <select {...a} disabled={readOnly} value={values[role]} onChange={(e) => set(role, e.target.value)}>
      {(optional || !values[role]) && <option value="">{optional ? 'None' : 'Choose…'}</option>}
      {assetChoices(assets, role, values[role]).map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
  const templateArea = (key: 'cmdline' | 'userData' | 'preseed', rows: number) => (a: FieldControlProps) => (
    <textarea {...a} readOnly={readOnly} className={key === 'cmdline' ? 'template template-wrap' : 'template'} rows={rows} spellCheck={false} value={values[key]} onChange={(e) => set(key, e.target.value)} />
  );

  const title = readOnly ? `${profile?.name ?? ''} (built-in)` : profile ? `Edit ${profile.name}` : 'New boot profile';
  return (
    <Dialog title={title} onClose={onClose} initialFocus={firstRef} className="dialog-form dialog-wide">
      <form ref={formRef} onSubmit={submit} noValidate aria-label={title} className="profile-form">
        {readOnly && <p className="notice notice-warn">Built-in profiles are read-only. Clone this one to change a copy of it.</p>}
        <FormError message={general} />
        <div className="form-grid">
          {field('name', 'Name', (a) => (
            <input {...a} ref={firstRef} readOnly={readOnly} type="text" autoComplete="off" maxLength={64} value={values.name} onChange={(e) => set('name', e.target.value)} />
          ))}
          {field(
            'kind',
            'Kind',
            (a) => (
              <select {...a} disabled={readOnly} value={values.kind} onChange={(e) => set('kind', e.target.value as ProfileSpec['kind'])}>
                {PROFILE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABEL[k]}
                  </option>
                ))}
              </select>
            ),
            KIND_HELP[values.kind],
          )}
          {field('description', 'Description', (a) => <textarea {...a} readOnly={readOnly} rows={2} value={values.description} onChange={(e) => set('description', e.target.value)} />, undefined, 'field-wide')}
          {field('kernel', 'Kernel', assetSelect('kernel', false))}
          {field('initrd', 'Initrd', assetSelect('initrd', false))}
          {field('iso', 'ISO (optional)', assetSelect('iso', true), 'Fetched into RAM by Ubuntu’s installer (url=)')}
          {field('squashfs', 'Squashfs (optional)', assetSelect('squashfs', true), 'Root filesystem of a live image (fetch=)')}
          {field('cmdline', 'Kernel command line', templateArea('cmdline', 3), 'One line; iPXE passes it to the kernel with the initrd.', 'field-wide')}
          {field(
            'userData',
            'cloud-init user-data',
            templateArea('userData', 16),
            'cloud-config as YAML (Rackpilot adds the #cloud-config header when it serves it). It must phone home (phone_home: {url: "{{phoneHomeUrl}}", post: all}), or the node reinstalls at every network boot.',
            'field-wide',
          )}
          {showsPreseed(values) &&
            field('preseed', 'Debian preseed', templateArea('preseed', 12), 'Answers for the Debian installer, fetched from {{preseedUrl}}.', 'field-wide')}
        </div>
        <details className="placeholders">
          <summary>Placeholders you can use in the templates</summary>
          <dl>
            {Object.entries(PROFILE_PLACEHOLDERS).map(([name, what]) => (
              <div key={name}>
                <dt className="mono">{`{{${name}}}`}</dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </details>
        <DialogActions onCancel={onClose} cancelLabel={readOnly ? 'Close' : 'Cancel'}>
          {!readOnly && (
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Saving…' : profile ? 'Save profile' : 'Create profile'}
            </button>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}
