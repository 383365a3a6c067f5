/**
 * One app-wide setting edited in place: loads it, validates the typed text with the caller's
 * parser (which uses the shared schema, so the form and the core cannot disagree), saves it and
 * shows what is unsaved. There is no settings page yet: each setting lives beside what it affects.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Settings } from '../../shared/domain/settings';
import { errorMessage, rpc } from '../rpc/api';
import { Field } from './Field';
import { FormError } from './FormError';

export interface SettingSectionProps<K extends keyof Settings> {
  setting: K;
  /** Section heading; also the form's accessible name. */
  title: string;
  label: string;
  hint: string;
  saveLabel: string;
  /** Typed text → the value to save, or why not. */
  parse: (text: string) => { value: Settings[K] } | { error: string };
  className?: string;
  placeholder?: string;
  inputMode?: 'text' | 'numeric';
}

export function SettingSection<K extends keyof Settings>(p: SettingSectionProps<K>) {
  const [saved, setSaved] = useState<Settings[K] | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { setting } = p;
  const titleId = `${String(setting)}-title`;

  useEffect(() => {
    let gone = false;
    rpc()
      .call('settings.get', {})
      .then(
        (s) => !gone && setSaved(s[setting]),
        (err: unknown) => !gone && setGeneral(`Could not load the setting: ${errorMessage(err)}`),
      );
    return () => {
      gone = true;
    };
  }, [setting]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (draft === null) return;
    const parsed = p.parse(draft);
    if ('error' in parsed) {
      setFieldError(parsed.error);
      return;
    }
    setBusy(true);
    setGeneral(null);
    try {
      const next = await rpc().call('settings.update', { [setting]: parsed.value });
      setSaved(next[setting]);
      setDraft(null);
      setFieldError(null);
    } catch (err) {
      setGeneral(`Could not save: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const value = draft ?? (saved === null ? '' : String(saved));
  return (
    <section aria-labelledby={titleId} className={`panel ${p.className ?? ''}`}>
      <h2 id={titleId}>{p.title}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby={titleId} className="setting-form">
        <FormError message={general} />
        <Field id={String(setting)} name={String(setting)} label={p.label} error={fieldError ?? undefined} hint={p.hint} hintFirst>
          {(a) => (
            <input
              {...a}
              type="text"
              inputMode={p.inputMode ?? 'text'}
              placeholder={p.placeholder}
              disabled={saved === null}
              value={value}
              onChange={(e) => {
                setDraft(e.target.value);
                setFieldError(null);
              }}
            />
          )}
        </Field>
        <div className="form-actions">
          {draft !== null && <span className="muted">Unsaved change</span>}
          <button type="submit" className="btn btn-primary" disabled={busy || draft === null}>
            {busy ? 'Saving…' : p.saveLabel}
          </button>
        </div>
      </form>
    </section>
  );
}
