/** Findings of the cluster checks: errors (the bootstrap would fail) and warnings (works, but reconsider). */
import type { ClusterSpecIssue } from '../../../shared/domain/cluster';

export function IssueList({ issues }: { issues: readonly ClusterSpecIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul className="cluster-issues">
      {issues.map((i) => (
        <li key={`${i.code}:${i.path.join('.')}:${i.message}`} className={`cluster-issue-${i.severity}`} data-testid="cluster-issue" data-severity={i.severity}>
          <span className="visually-hidden">{i.severity === 'error' ? 'Error: ' : 'Warning: '}</span>
          {i.message}
        </li>
      ))}
    </ul>
  );
}
