/**
 * Import an asset from a file (offline users). The core reads the path itself, on the machine it
 * runs on, and checks the file's SHA-256 the same way a download is checked.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import type { AssetStatus } from '../../../shared/domain/asset';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { rpc } from '../../rpc/api';
import { coreIssues, formErrorsFromCore, type FormErrors } from '../../rpc/form-errors';
import { trackAssetJob } from '../../stores/assets';
import { useConnection } from '../../stores/connection';

type ImportField = 'path' | 'sha256';

function importErrors(err: unknown): FormErrors<ImportField> {
  // "Cannot import <path>: …" (no issues to place) is about the path; anything else goes to the top.
  if (err instanceof RackpilotError && err.code === ErrorCode.NotFound && coreIssues(err).length === 0) {
    return { fields: { path: err.message }, general: null };
  }
  return formErrorsFromCore(err, (path) => path.find((p): p is ImportField => p === 'path' || p === 'sha256') ?? null);
}

export function ImportAssetDialog({ asset, onClose }: { asset: AssetStatus; onClose: () => void }) {
  const { entry } = asset;
  const [path, setPath] = useState('');
  const [sha256, setSha256] = useState('');
  const [errors, setErrors] = useState<Partial<Record<ImportField, string>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pathRef = useRef<HTMLInputElement>(null);
  const id = useId();
  // In the desktop app the core runs on this computer; in a browser it is wherever the server is.
  const local = useConnection((s) => s.kind) === 'ipc';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      const job = await rpc().call('assets.import', { id: entry.id, path: path.trim(), ...(sha256.trim() ? { sha256: sha256.trim() } : {}) });
      trackAssetJob(entry.id, job);
      onClose();
    } catch (err) {
      const found = importErrors(err);
      setErrors(found.fields);
      setGeneral(found.general);
      if (found.fields.path) pathRef.current?.focus();
      else if (found.fields.sha256) document.getElementById(`${id}-sha256`)?.focus();
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Import ${entry.name}`} onClose={onClose} initialFocus={pathRef} className="dialog-form">
      <form onSubmit={submit} noValidate>
        <p>
          Copies a file you already have into the asset cache as <span className="mono">{entry.fileName}</span>, then checks its
          SHA-256 {entry.sha256 ? 'against the one pinned in this build' : 'against the one you enter below (if any)'}.
        </p>
        <FormError message={general} />
        <div className="form-grid form-grid-single">
          <Field
            id={`${id}-path`}
            name="path"
            label="Path of the file"
            error={errors.path}
            hint={
              local
                ? 'A full path on this computer: the Rackpilot core runs here and reads the file itself.'
                : 'A full path on the machine the Rackpilot server runs on — the core reads the file there, not from this browser’s computer.'
            }
          >
            {(control) => (
              <input
                {...control}
                ref={pathRef}
                type="text"
                spellCheck={false}
                autoComplete="off"
                placeholder={`/home/you/Downloads/${entry.fileName}`}
                value={path}
                onChange={(e) => {
                  setPath(e.target.value);
                  setErrors(({ path: _cleared, ...rest }) => rest);
                }}
              />
            )}
          </Field>
          <Field
            id={`${id}-sha256`}
            name="sha256"
            label="Expected SHA-256 (optional)"
            error={errors.sha256}
            hint={
              entry.sha256
                ? `This build pins ${entry.sha256}; the file must match it.`
                : 'From the publisher’s SHA256SUMS. Left empty, the file is kept as unverified and its SHA-256 is shown for you to compare.'
            }
          >
            {(control) => (
              <input
                {...control}
                type="text"
                spellCheck={false}
                autoComplete="off"
                className="mono"
                value={sha256}
                onChange={(e) => {
                  setSha256(e.target.value);
                  setErrors(({ sha256: _cleared, ...rest }) => rest);
                }}
              />
            )}
          </Field>
        </div>
        <DialogActions onCancel={onClose}>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Starting…' : 'Import'}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
