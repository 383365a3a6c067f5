/**
 * The History tab: the versions Rackpilot applied, newest first. "Roll back to this version"
 * plans that version against the node (what would change back), and deploys it from there.
 */
import { useState } from 'react';
import type { StackDetail } from '../../../shared/domain/stack';
import { formatTime } from '../activity/format';
import { PlanPanel } from './PlanPanel';

export function HistoryTab({ detail, onDeployed }: { detail: StackDetail; onDeployed(): void }) {
  const { nodeId, name, appliedVersion } = detail.summary;
  const [rollback, setRollback] = useState<number | null>(null);
  const versions = [...detail.versions].sort((a, b) => b.version - a.version);
  if (versions.length === 0) return <p className="muted">No versions yet: each deploy from Rackpilot records the files it applied here.</p>;
  return (
    <div className="stack-history">
      <table className="events stack-table" aria-label="Versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Applied</th>
            <th scope="col">What changed</th>
            <th scope="col">Digest</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-testid="stack-version" data-version={v.version} aria-current={v.version === appliedVersion ? 'true' : undefined}>
              <th scope="row">
                {v.version}
                {v.version === appliedVersion && <span className="badge state-ready stack-current">applied</span>}
              </th>
              <td>{formatTime(v.appliedAt)}</td>
              <td>{v.summary || <span className="muted">—</span>}</td>
              <td className="mono" title={v.digest}>
                {v.digest.slice(0, 12)}
              </td>
              <td className="stack-actions">
                {v.version !== appliedVersion && (
                  <button type="button" className="btn btn-small" aria-pressed={rollback === v.version} onClick={() => setRollback(v.version)}>
                    Roll back to this version
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rollback !== null && <PlanPanel key={rollback} nodeId={nodeId} name={name} version={rollback} onDeployed={onDeployed} />}
    </div>
  );
}
