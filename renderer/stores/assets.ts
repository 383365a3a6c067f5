/**
 * The asset cache's catalog and states (`assets.list`), fetched when the Boot page opens. There is
 * no pushed asset event: a download or import is a job, followed through the jobs store, and the
 * list is fetched again when one of those jobs finishes.
 */
import { create } from 'zustand';
import type { AssetStatus } from '../../shared/domain/asset';
import type { Job } from '../../shared/domain/job';
import { errorMessage, rpc } from '../rpc/api';
import { onJobChanged } from './jobs';

interface AssetsStore {
  assets: AssetStatus[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The latest download/import job per asset id, kept after it ends so its error stays visible. */
  lastJob: Record<string, string>;
}

export const useAssets = create<AssetsStore>()(() => ({ assets: [], status: 'idle', error: null, lastJob: {} }));

let loading: Promise<void> | null = null;

export function loadAssets(): Promise<void> {
  // Several rows may ask at once when their jobs finish together: one request serves them all.
  loading ??= (async () => {
    useAssets.setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
    try {
      const assets = await rpc().call('assets.list', {});
      useAssets.setState((s) => ({ assets, status: 'ready', error: null, lastJob: withRunningJobs(s.lastJob, assets) }));
    } catch (err) {
      useAssets.setState({ status: 'error', error: errorMessage(err) });
    } finally {
      loading = null;
    }
  })();
  return loading;
}

/** Remembers the jobs the core reports running (started elsewhere, or before a reload). */
export function withRunningJobs(lastJob: Record<string, string>, assets: AssetStatus[]): Record<string, string> {
  let next = lastJob;
  for (const a of assets) if (a.jobId && next[a.entry.id] !== a.jobId) next = { ...next, [a.entry.id]: a.jobId };
  return next;
}

/** A download or import was started: follow its job and show the asset as busy. */
export function trackAssetJob(assetId: string, job: Job): void {
  onJobChanged(job);
  useAssets.setState((s) => ({ lastJob: { ...s.lastJob, [assetId]: job.id } }));
  void loadAssets();
}

export async function reloadAssetsIfFollowed(): Promise<void> {
  if (useAssets.getState().status !== 'idle') await loadAssets();
}
