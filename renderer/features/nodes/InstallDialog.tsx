/**
 * Install / Rebuild: arms the node's netboot flag with a profile, so its next network boot wipes
 * the disk and installs. Destructive, so the person types the node's name; the core checks it
 * (E_CONFIRMATION_REQUIRED) and its field errors appear next to the fields.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Node } from '../../../shared/domain/node';
import { RackpilotError } from '../../../shared/errors';
import { Dialog } from '../../components/Dialog';
import { errorMessage, rpc } from '../../rpc/api';
import { routeHref } from '../../router';
import { onNodesChanged } from '../../stores/nodes';
import { isRebuild } from './boot-badges';
import { listProfiles, type ProfileChoice } from './profiles';

type Field = 'profileId' | 'confirmName';

/** Per-field messages from the core's details.issues; anything else goes to the top. */
function installErrors(err: unknown): { fields: Partial<Record<Field, string>>; general: string | null } {
  const fields: Partial<Record<Field, string>> = {};
  let general: string | null = null;
  const issues = err instanceof RackpilotError ? (err.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined)?.issues : undefined;
  for (const issue of Array.isArray(issues) ? issues : []) {
    const path = Array.isArray(issue.path) ? issue.path : [];
    const field = path.find((p): p is Field => p === 'profileId' || p === 'confirmName');
    const message = typeof issue.message === 'string' ? issue.message : errorMessage(err);
    if (field) fields[field] ??= message;
    else general ??= message;
  }
  if (!fields.profileId && !fields.confirmName && general === null) general = errorMessage(err);
  // The confirmation error's own message says what happened; keep it above the field too.
  if (fields.confirmName && err instanceof RackpilotError) general = err.message;
  return { fields, general };
}

export function InstallDialog({ node, onClose }: { node: Node; onClose: () => void }) {
  const rebuild = isRebuild(node);
  const [profiles, setProfiles] = useState<ProfileChoice[] | null>(null);
  const [profilesError, setProfilesError] = useState<string | null>(null);
  const [profileId, setProfileId] = useState(node.profileId ?? '');
  const [confirmName, setConfirmName] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
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
        {general && (
          <div className="form-error" role="alert">
            {general}
          </div>
        )}
        {profilesError && (
          <div className="form-error" role="alert">
            {profilesError}
          </div>
        )}
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
          <div className="field">
            <label htmlFor={`${descId}-confirm`}>
              Type <span className="mono confirm-name">{node.name}</span> to confirm
            </label>
            <input
              id={`${descId}-confirm`}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={confirmName}
              aria-invalid={errors.confirmName ? true : undefined}
              aria-describedby={errors.confirmName ? `${descId}-confirm-error` : undefined}
              onChange={(e) => {
                setConfirmName(e.target.value);
                if (errors.confirmName) setErrors(({ confirmName: _cleared, ...rest }) => rest);
              }}
            />
            {errors.confirmName && (
              <p className="field-error" id={`${descId}-confirm-error`} data-testid="confirmName-error">
                {errors.confirmName}
              </p>
            )}
          </div>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={busy || !profiles || profiles.length === 0}>
            {busy ? 'Arming…' : `Wipe and ${verb.toLowerCase()} at next boot`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
