/** Clone a profile (asks for the copy's name) and delete one (names it; the core may refuse). */
import { useId, useRef, useState, type FormEvent } from 'react';
import type { Profile } from '../../../shared/domain/profile';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { onProfilesChanged } from '../../stores/profiles';
import { profileErrorsFromCore } from './profile-form';

/** "Name (copy)", "Name (copy 2)", … whichever is free. */
export function copyName(name: string, existing: readonly { name: string }[]): string {
  const taken = new Set(existing.map((p) => p.name.toLowerCase()));
  const base = `${name} (copy`;
  for (let n = 1; ; n++) {
    const candidate = `${base}${n === 1 ? '' : ` ${n}`})`;
    if (!taken.has(candidate.toLowerCase())) return candidate.slice(0, 64);
  }
}

export function CloneProfileDialog({
  profile,
  existing,
  onClose,
  onCloned,
}: {
  profile: Profile;
  existing: readonly Profile[];
  onClose: () => void;
  onCloned: (copy: Profile) => void;
}) {
  const [name, setName] = useState(() => copyName(profile.name, existing));
  const [error, setError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setGeneral(null);
    try {
      const copy = await rpc().call('profiles.clone', { id: profile.id, name });
      onProfilesChanged({ op: 'upsert', profile: copy });
      onCloned(copy);
    } catch (err) {
      const found = profileErrorsFromCore(err);
      if (found.fields.name) {
        setError(found.fields.name);
        nameRef.current?.focus();
      } else {
        setGeneral(found.general ?? errorMessage(err));
      }
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Clone ${profile.name}`} onClose={onClose} initialFocus={nameRef} describedBy={`${id}-desc`}>
      <form onSubmit={submit} noValidate>
        <p id={`${id}-desc`}>
          The copy starts with the same assets and templates as <strong>{profile.name}</strong>, and opens in the editor so you
          can change it.
        </p>
        <FormError message={general} />
        <Field id={`${id}-name`} label="Name of the copy" error={error ?? undefined}>
          {(control) => (
            <input
              {...control}
              ref={nameRef}
              type="text"
              autoComplete="off"
              value={name}
              maxLength={64}
              onChange={(e) => {
                setName(e.target.value);
                setError(null);
              }}
            />
          )}
        </Field>
        <DialogActions onCancel={onClose}>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Cloning…' : 'Clone'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

export function DeleteProfileDialog({ profile, onClose }: { profile: Profile; onClose: () => void }) {
  return (
    <ConfirmDialog
      title={`Delete ${profile.name}?`}
      actionLabel="Delete profile"
      busyLabel="Deleting…"
      onConfirm={async () => {
        const { id } = await rpc().call('profiles.remove', { id: profile.id });
        onProfilesChanged({ op: 'remove', id });
      }}
      onClose={onClose}
    >
      This deletes the boot profile <strong>{profile.name}</strong> and its templates. Installed nodes are not touched; a node
      armed to install with it must be cancelled or re-armed first.
    </ConfirmDialog>
  );
}
