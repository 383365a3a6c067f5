/**
 * The cluster's admin kubeconfig (server rewritten to the endpoint, names after the cluster):
 * download it as a file, or merge it into ~/.kube/config on the machine Rackpilot runs on —
 * backup first, other contexts untouched; the result says where everything went.
 */
import { useState } from 'react';
import type { KubeconfigMergeResult } from '../../../shared/domain/cluster-record';
import { saveTextFile } from '../../components/clipboard';
import { errorMessage, rpc } from '../../rpc/api';

export function KubeconfigPanel({ name }: { name: string }) {
  const [busy, setBusy] = useState<'download' | 'merge' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [merged, setMerged] = useState<KubeconfigMergeResult | null>(null);

  const download = async () => {
    setBusy('download');
    setError(null);
    try {
      const file = await rpc().call('clusters.kubeconfig', { name });
      saveTextFile(file.fileName, file.yaml, 'application/yaml');
    } catch (err) {
      setError(`Could not get the kubeconfig: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  };
  const merge = async () => {
    setBusy('merge');
    setError(null);
    try {
      setMerged(await rpc().call('clusters.mergeKubeconfig', { name }));
    } catch (err) {
      setError(`Could not merge the kubeconfig: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="panel cluster-kubeconfig" aria-labelledby="cluster-kubeconfig-title">
      <div className="panel-head">
        <h3 id="cluster-kubeconfig-title">Kubeconfig</h3>
        <div className="panel-actions">
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void download()}>
            {busy === 'download' ? 'Preparing…' : 'Download kubeconfig'}
          </button>
          <button type="button" className="btn" disabled={busy !== null} onClick={() => void merge()}>
            {busy === 'merge' ? 'Merging…' : 'Merge into ~/.kube/config'}
          </button>
        </div>
      </div>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {merged && (
        <div className="notice kubeconfig-merged" role="status" data-testid="kubeconfig-merged">
          <p>
            {merged.replaced ? 'Replaced' : 'Added'} the context <span className="mono">{merged.contextName}</span> in <span className="mono">{merged.path}</span>.
          </p>
          <p>{merged.backupPath ? <>The file as it was is kept in <span className="mono">{merged.backupPath}</span>.</> : 'The file did not exist before, so there was nothing to back up.'}</p>
          <p>
            Use it with <span className="mono">kubectl config use-context {merged.contextName}</span>.
          </p>
        </div>
      )}
    </section>
  );
}
