/**
 * The asset cache: every catalog entry with its state, size and how it was verified; Download
 * and Import-from-file start jobs, whose progress and errors come from the jobs store.
 */
import { useEffect, useState } from 'react';
import type { AssetStatus } from '../../../shared/domain/asset';
import { FINISHED_JOB_STATES } from '../../../shared/domain/job';
import { RackpilotError } from '../../../shared/errors';
import { errorMessage, rpc } from '../../rpc/api';
import { loadAssets, trackAssetJob, useAssets } from '../../stores/assets';
import { onJobChanged, useJobs } from '../../stores/jobs';
import { needsUnverifiedConsent, sizeText, verificationText } from './asset-format';
import { CatalogLoadStatus } from './CatalogLoadStatus';
import { ImportAssetDialog } from './ImportAssetDialog';

const STATE_LABEL: Record<AssetStatus['state'], string> = {
  missing: 'missing',
  partial: 'partly downloaded',
  downloading: 'downloading',
  ready: 'ready',
};

export function AssetsSection() {
  const assets = useAssets((s) => s.assets);
  const status = useAssets((s) => s.status);
  const error = useAssets((s) => s.error);
  const [importing, setImporting] = useState<AssetStatus | null>(null);

  useEffect(() => {
    void loadAssets();
  }, []);

  return (
    <section aria-labelledby="boot-assets-title" className="panel" data-testid="boot-assets">
      <div className="panel-head">
        <h2 id="boot-assets-title">Assets</h2>
        <span className="muted">Kernels, initrds and images the profiles boot, kept in the asset cache and checked by SHA-256 before they are served.</span>
      </div>
      <CatalogLoadStatus
        status={status}
        error={error}
        listed={assets.length > 0}
        failedText="Could not load the asset cache"
        loadingText="Loading assets…"
        onRetry={() => void loadAssets()}
      />
      {assets.length > 0 && (
        <table className="events catalog-table" aria-labelledby="boot-assets-title">
          <thead>
            <tr>
              <th scope="col">Asset</th>
              <th scope="col">State</th>
              <th scope="col">Size</th>
              <th scope="col">Verification</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {assets.map((a) => (
              <AssetRow key={a.entry.id} asset={a} onImport={() => setImporting(a)} />
            ))}
          </tbody>
        </table>
      )}
      {importing && <ImportAssetDialog asset={importing} onClose={() => setImporting(null)} />}
    </section>
  );
}

function AssetRow({ asset, onImport }: { asset: AssetStatus; onImport: () => void }) {
  const { entry } = asset;
  const jobId = useAssets((s) => s.lastJob[entry.id]) ?? asset.jobId;
  const job = useJobs((s) => (jobId ? s.jobs.find((j) => j.id === jobId) : undefined));
  const [startError, setStartError] = useState<{ code: string | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const finished = job ? FINISHED_JOB_STATES.includes(job.state) : false;
  const running = job ? !finished : asset.state === 'downloading';

  // The list has no pushed event of its own: fetch it again when this asset's job ends.
  const jobState = job?.state;
  useEffect(() => {
    if (jobState && FINISHED_JOB_STATES.includes(jobState)) void loadAssets();
  }, [jobState]);

  const download = async (allowUnverified: boolean) => {
    setStartError(null);
    setBusy(true);
    try {
      trackAssetJob(entry.id, await rpc().call('assets.download', { id: entry.id, allowUnverified }));
    } catch (err) {
      setStartError({ code: err instanceof RackpilotError ? err.code : null, message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const cancel = async () => {
    if (!job) return;
    try {
      onJobChanged(await rpc().call('jobs.cancel', { id: job.id }));
    } catch (err) {
      setStartError({ code: null, message: `Could not cancel: ${errorMessage(err)}` });
    }
  };

  const failed = startError ?? (job?.state === 'failed' ? { code: job.error?.code ?? null, message: job.error?.message ?? 'The job failed.' } : null);
  const failure = failed?.message ?? null;
  const stopped = job && (job.state === 'cancelled' || job.state === 'interrupted') ? `The last ${job.kind === 'asset.import' ? 'import' : 'download'} was ${job.state}.` : null;
  const consent = entry.url !== null && !running && needsUnverifiedConsent(failed?.code);
  const percent = job ? Math.round(job.progress * 100) : 0;
  const verb = job?.kind === 'asset.import' ? 'Importing' : 'Downloading';

  return (
    <tr data-testid="asset-row" data-asset-id={entry.id} aria-label={entry.name}>
      <td>
        <div className="catalog-name">
          <strong>{entry.name}</strong> <span className="tag">{entry.role}</span>
        </div>
        <p className="mono muted catalog-id">
          {entry.id}/{entry.fileName}
        </p>
        {entry.note && <p className="muted catalog-note">{entry.note}</p>}
        {(failure || stopped) && (
          <div className="asset-problem">
            {failure && (
              <div className="field-error" role="alert" data-testid="asset-error">
                {failure}
              </div>
            )}
            {!failure && stopped && <p className="muted">{stopped}</p>}
            {consent && (
              <div className="consent">
                <p>
                  Without a checksum Rackpilot cannot tell a good file from a damaged or tampered one. If you go ahead, the job
                  shows the file’s SHA-256: compare it with the one the publisher lists before you install from it.
                </p>
                <button type="button" className="btn btn-small btn-danger-quiet" disabled={busy} onClick={() => void download(true)}>
                  Download without verification
                </button>
              </div>
            )}
          </div>
        )}
      </td>
      <td className="asset-state-cell">
        <span className={`badge asset-state-${running ? 'downloading' : asset.state}`} data-testid="asset-state">
          {running ? (job?.kind === 'asset.import' ? 'importing' : 'downloading') : STATE_LABEL[asset.state]}
        </span>
        {running && (
          <div className="asset-progress">
            <progress max={100} value={percent} aria-label={`Progress of ${entry.name}`}>
              {percent}%
            </progress>
            <span className="muted">
              {verb}: {percent}%{job?.phase ? ` · ${job.phase}` : ''}
            </span>
          </div>
        )}
      </td>
      <td className="nowrap" data-testid="asset-size">
        {sizeText(asset)}
      </td>
      <td className="asset-verification" data-testid="asset-verification">
        {verificationText(asset)}
        {asset.sha256 && (
          <p className="mono muted catalog-hash" title={asset.sha256}>
            SHA-256 {asset.sha256}
          </p>
        )}
      </td>
      <td className="catalog-actions">
        {running ? (
          job && (
            <button type="button" className="btn btn-small" aria-label={`Cancel ${job.title}`} onClick={() => void cancel()}>
              Cancel
            </button>
          )
        ) : (
          <>
            {entry.url && asset.state !== 'ready' && (
              <button type="button" className="btn btn-small" disabled={busy} aria-label={`Download ${entry.name}`} onClick={() => void download(false)}>
                {asset.state === 'partial' ? 'Resume download' : 'Download'}
              </button>
            )}
            <button type="button" className="btn btn-small" aria-label={`Import ${entry.name} from a file`} onClick={onImport}>
              Import from file…
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
