/**
 * Install / Rebuild: arms the node's netboot flag with a profile, so its next network boot wipes
 * the disk and installs. Destructive, so the person types the node's name; the core checks it
 * (E_CONFIRMATION_REQUIRED) and its field errors appear next to the fields.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Node } from '../../../shared/domain/node';
import { RackpilotError } from '../../../shared/errors';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { formErrorsFromCore, type FormErrors } from '../../rpc/form-errors';
import { routeHref } from '../../router';
import { onNodesChanged } from '../../stores/nodes';
import { isRebuild } from './boot-badges';
import { listProfiles, type ProfileChoice } from './profiles';

type InstallField = 'profileId' | 'confirmName';

/** Per-field messages from the core's details.issues; anything else goes to the top. */
function installErrors(err: unknown): FormErrors<InstallField> {
  const found = formErrorsFromCore(err, (path) => path.find((p): p is InstallField => p === 'profileId' || p === 'confirmName') ?? null);
  // The confirmation error's own message says what happened; keep it above the field too.
  if (found.fields.confirmName && err instanceof RackpilotError) found.general = err.message;
  return found;
}

export function InstallDialog({ node, onClose }: { node: Node; onClose: () => void }) {
  const rebuild = isRebuild(node);
  const [profiles, setProfiles] = useState<ProfileChoice[] | null>(null);
  const [profilesError, setProfilesError] = useState<string | null>(null);
  const [profileId, setProfileId] = useState(node.profileId ?? '');
  const [confirmName, setConfirmName] = useState('');
  const [errors, setErrors] = useState<Partial<Record<InstallField, string>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const profileRef = useRef<HTMLSelectElement>(null);
  const descId = useId();

  useEffect(() => {
    let live = true;
    listProfiles()
      .then((list) => live && setProfiles(list))
      .catch((err: unknown) => {
        if (!live) return;
        setProfilesError(`Could not load the boot profiles: ${errorMessage(err)}. Close this dialog and try again.`);
        setProfiles([]);
      });
    return () => {
      live = false;
    };
  }, []);

  const chosen = profileId || profiles?.[0]?.id || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setGeneral(null);
    setErrors({});
    setBusy(true);
    try {
      const armed = await rpc().call('nodes.install', { id: node.id, profileId: chosen, confirmName });
      onNodesChanged({ op: 'upsert', node: armed });
      onClose();
    } catch (err) {
      const found = installErrors(err);
      setErrors(found.fields);
      setGeneral(found.general);
      if (found.fields.confirmName) document.getElementById(`${descId}-confirm`)?.focus();
      else if (found.fields.profileId) profileRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const verb = rebuild ? 'Rebuild' : 'Install';
  return (
    <Dialog title={`${verb} ${node.name}?`} onClose={onClose} initialFocus={profileRef} describedBy={descId} className="dialog-form">
      <form onSubmit={submit} noValidate>
        <div className="danger-callout" id={descId}>
          <p>
            <strong>The disk of {node.name}</strong> ({node.mac}) <strong>will be wiped</strong>, and the machine will be
            reinstalled with the chosen profile <strong>at its next network boot</strong>.
          </p>
          <p className="muted">
            Nothing happens until it network boots; you can cancel the install until then. After the install phones home,
            it boots from its disk again.
          </p>
        </div>
        <FormError message={general} />
        <FormError message={profilesError} />
        <div className="form-grid form-grid-single">
          <div className="field">
            <label htmlFor={`${descId}-profile`}>Boot profile</label>
            <select
              id={`${descId}-profile`}
              ref={profileRef}
              value={chosen}
              aria-busy={!profiles}
              aria-invalid={errors.profileId ? true : undefined}
              aria-describedby={errors.profileId ? `${descId}-profile-error` : undefined}
              onChange={(e) => setProfileId(e.target.value)}
            >
              {!profiles && <option value="">Loading profiles…</option>}
              {profiles?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <p className="field-hint">
              Profiles are listed, cloned and edited on the <a href={routeHref('boot')}>Boot page</a>.
            </p>
            {errors.profileId && (
              <p className="field-error" id={`${descId}-profile-error`}>
                {errors.profileId}
              </p>
            )}
          </div>
          <Field
            id={`${descId}-confirm`}
            label={
              <>
                Type <span className="mono confirm-name">{node.name}</span> to confirm
              </>
            }
            error={errors.confirmName}
            errorTestId="confirmName-error"
          >
            {(control) => (
              <input
                {...control}
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={confirmName}
                onChange={(e) => {
                  setConfirmName(e.target.value);
                  if (errors.confirmName) setErrors(({ confirmName: _cleared, ...rest }) => rest);
                }}
              />
            )}
          </Field>
        </div>
        <DialogActions onCancel={onClose}>
          <button type="submit" className="btn btn-danger" disabled={busy || !profiles || profiles.length === 0}>
            {busy ? 'Arming…' : `Wipe and ${verb.toLowerCase()} at next boot`}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
