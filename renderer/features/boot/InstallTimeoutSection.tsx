/**
 * The install timeout (setting `installTimeoutMinutes`): how long an armed install may go without
 * phoning home before Rackpilot marks the node failed. Here, beside the rest of the boot set-up,
 * because there is no app-wide settings page yet.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { parseInstallTimeout } from './install-timeout-form';

export function InstallTimeoutSection() {
  const [saved, setSaved] = useState<number | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let gone = false;
    rpc()
      .call('settings.get', {})
      .then(
        (s) => !gone && setSaved(s.installTimeoutMinutes),
        (err: unknown) => !gone && setGeneral(`Could not load the setting: ${errorMessage(err)}`),
      );
    return () => {
      gone = true;
    };
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (draft === null) return;
    const parsed = parseInstallTimeout(draft);
    if ('error' in parsed) {
      setFieldError(parsed.error);
      return;
    }
    setBusy(true);
    setGeneral(null);
    try {
      const next = await rpc().call('settings.update', { installTimeoutMinutes: parsed.minutes });
      setSaved(next.installTimeoutMinutes);
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
    <section aria-labelledby="install-timeout-title" className="panel">
      <h2 id="install-timeout-title">Install timeout</h2>
      <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="install-timeout-title" className="install-timeout-form">
        <FormError message={general} />
        <Field
          id="install-timeout-minutes"
          name="installTimeoutMinutes"
          label="Minutes to wait for phone-home"
          error={fieldError ?? undefined}
          hint="A node still installing after this long is marked failed, with its last boot events (and console, on the practice rack) on its timeline. Ubuntu installs take 15–30 min; a practice-rack live boot about 2."
          hintFirst
        >
          {(a) => (
            <input
              {...a}
              type="text"
              inputMode="numeric"
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
            {busy ? 'Saving…' : 'Save timeout'}
          </button>
        </div>
      </form>
    </section>
  );
}
