/**
 * Import an asset from a file (offline users). The core reads the path itself, on the machine it
 * runs on, and checks the file's SHA-256 the same way a download is checked.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import type { AssetStatus } from '../../../shared/domain/asset';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { Dialog } from '../../components/Dialog';
import { errorMessage, rpc } from '../../rpc/api';
import { trackAssetJob } from '../../stores/assets';
import { useConnection } from '../../stores/connection';

type Field = 'path' | 'sha256';

function importErrors(err: unknown): { fields: Partial<Record<Field, string>>; general: string | null } {
  const fields: Partial<Record<Field, string>> = {};
  let general: string | null = null;
  const issues = err instanceof RackpilotError ? (err.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined)?.issues : undefined;
  for (const issue of Array.isArray(issues) ? issues : []) {
    const path = Array.isArray(issue.path) ? issue.path : [];
    const field = path.find((p): p is Field => p === 'path' || p === 'sha256');
    const message = typeof issue.message === 'string' ? issue.message : errorMessage(err);
    if (field) fields[field] ??= message;
    else general ??= message;
  }
  if (!fields.path && !fields.sha256 && general === null) {
    // "Cannot import <path>: …" is about the path; anything else goes to the top.
    if (err instanceof RackpilotError && err.code === ErrorCode.NotFound) fields.path = err.message;
    else general = errorMessage(err);
  }
  return { fields, general };
}

export function ImportAssetDialog({ asset, onClose }: { asset: AssetStatus; onClose: () => void }) {
  const { entry } = asset;
  const [path, setPath] = useState('');
  const [sha256, setSha256] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
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

  const described = (field: Field, hint: boolean) => [errors[field] ? `${id}-${field}-error` : null, hint ? `${id}-${field}-hint` : null].filter(Boolean).join(' ') || undefined;

  return (
    <Dialog title={`Import ${entry.name}`} onClose={onClose} initialFocus={pathRef} className="dialog-form">
      <form onSubmit={submit} noValidate>
        <p>
          Copies a file you already have into the asset cache as <span className="mono">{entry.fileName}</span>, then checks its
          SHA-256 {entry.sha256 ? 'against the one pinned in this build' : 'against the one you enter below (if any)'}.
        </p>
        {general && (
          <div className="form-error" role="alert">
            {general}
          </div>
        )}
        <div className="form-grid form-grid-single">
          <div className="field">
            <label htmlFor={`${id}-path`}>Path of the file</label>
            <input
              id={`${id}-path`}
              ref={pathRef}
              name="path"
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder={`/home/you/Downloads/${entry.fileName}`}
              value={path}
              aria-invalid={errors.path ? true : undefined}
              aria-describedby={described('path', true)}
              onChange={(e) => {
                setPath(e.target.value);
                setErrors(({ path: _cleared, ...rest }) => rest);
              }}
            />
            {errors.path && (
              <p className="field-error" id={`${id}-path-error`}>
                {errors.path}
              </p>
            )}
            <p className="field-hint" id={`${id}-path-hint`}>
              {local
                ? 'A full path on this computer: the Rackpilot core runs here and reads the file itself.'
                : 'A full path on the machine the Rackpilot server runs on — the core reads the file there, not from this browser’s computer.'}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-sha256`}>Expected SHA-256 (optional)</label>
            <input
              id={`${id}-sha256`}
              name="sha256"
              type="text"
              spellCheck={false}
              autoComplete="off"
              className="mono"
              value={sha256}
              aria-invalid={errors.sha256 ? true : undefined}
              aria-describedby={described('sha256', true)}
              onChange={(e) => {
                setSha256(e.target.value);
                setErrors(({ sha256: _cleared, ...rest }) => rest);
              }}
            />
            {errors.sha256 && (
              <p className="field-error" id={`${id}-sha256-error`}>
                {errors.sha256}
              </p>
            )}
            <p className="field-hint" id={`${id}-sha256-hint`}>
              {entry.sha256
                ? `This build pins ${entry.sha256}; the file must match it.`
                : 'From the publisher’s SHA256SUMS. Left empty, the file is kept as unverified and its SHA-256 is shown for you to compare.'}
            </p>
          </div>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Starting…' : 'Import'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
