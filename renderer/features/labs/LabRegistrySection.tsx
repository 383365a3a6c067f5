/**
 * The lab registry (setting `labRegistry`): practice nodes usually have no internet, so when a lab
 * starts Rackpilot points the nodes' Docker at this registry (`registry-mirrors`), and `image:
 * nginx` in a lab pulls from it. Shown on the Labs page, the only place it matters.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { settingsSchema } from '../../../shared/domain/settings';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';

const registry = settingsSchema.shape.labRegistry;

export function LabRegistrySection() {
  const [saved, setSaved] = useState<string | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let gone = false;
    rpc()
      .call('settings.get', {})
      .then(
        (s) => !gone && setSaved(s.labRegistry),
        (err: unknown) => !gone && setGeneral(`Could not load the setting: ${errorMessage(err)}`),
      );
    return () => {
      gone = true;
    };
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (draft === null) return;
    const value = draft.trim();
    const parsed = registry.safeParse(value);
    if (!parsed.success) {
      setFieldError(parsed.error.issues[0]?.message ?? 'Not a registry address');
      return;
    }
    setBusy(true);
    setGeneral(null);
    try {
      const next = await rpc().call('settings.update', { labRegistry: value });
      setSaved(next.labRegistry);
      setDraft(null);
      setFieldError(null);
    } catch (err) {
      setGeneral(`Could not save: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="lab-registry-title" className="panel lab-registry">
      <h2 id="lab-registry-title">Registry for lab nodes</h2>
      <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="lab-registry-title">
        <FormError message={general} />
        <Field
          id="lab-registry"
          name="labRegistry"
          label="Docker registry (host:port)"
          error={fieldError ?? undefined}
          hint="When a lab starts, its nodes' Docker pulls Docker Hub images (nginx, busybox…) through this registry over plain HTTP — for practice nodes without internet. Leave empty to use Docker's default."
          hintFirst
        >
          {(a) => (
            <input
              {...a}
              type="text"
              placeholder="10.78.0.1:5000"
              disabled={saved === null}
              value={draft ?? saved ?? ''}
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
            {busy ? 'Saving…' : 'Save registry'}
          </button>
        </div>
      </form>
    </section>
  );
}
