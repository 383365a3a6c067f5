/**
 * The lab OS image virtual nodes boot (`live-image` and `install-to-disk` profiles): whether it
 * is built on this machine and served from the asset cache. Building needs root, so the page
 * shows the command; importing a build is one click. Polled once a second while an import
 * runs: the jobs store is only followed where jobs are shown, so it cannot be relied on here.
 */
import { useCallback, useEffect, useState } from 'react';
import type { LabImageStatus } from '../../../shared/domain/lab-image';
import { CopyButton } from '../../components/CopyButton';
import { errorMessage, rpc } from '../../rpc/api';

export function LabImagePanel() {
  const [status, setStatus] = useState<LabImageStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    rpc().call('vlab.labImage', {}).then(
      (s) => {
        setStatus(s);
        setError(null);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, []);
  useEffect(load, [load]);
  const importing = status?.state === 'importing';
  useEffect(() => {
    if (!importing) return undefined;
    const timer = setInterval(load, 1000);
    return () => clearInterval(timer);
  }, [importing, load]);

  const use = async () => {
    setBusy(true);
    try {
      await rpc().call('vlab.useLabImage', {});
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      load();
    }
  };

  if (!status) return error ? <p className="notice notice-error" role="alert">Could not read the lab image status: {error}</p> : null;
  const canUse = status.state === 'built' || status.state === 'stale';
  return (
    <section className={`rack-lab-image notice ${status.state === 'ready' ? 'notice-ok' : 'notice-warn'}`} data-testid="lab-image" data-state={status.state} aria-label="Lab image">
      <p>
        <span className="badge">Lab image: {LABELS[status.state]}</span> {status.message}
      </p>
      {status.state === 'missing' && (
        <div className="rack-install">
          <code className="mono">{status.buildCommand}</code>
          <CopyButton text={status.buildCommand} label="Copy the build command" />
        </div>
      )}
      {canUse && (
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void use()}>
          {status.state === 'stale' ? 'Use the new build' : 'Use the lab image'}
        </button>
      )}
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

const LABELS: Record<LabImageStatus['state'], string> = {
  missing: 'not built',
  built: 'built',
  importing: 'importing…',
  stale: 'older build in use',
  ready: 'ready',
};
