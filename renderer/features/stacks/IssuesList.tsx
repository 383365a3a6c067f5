/** The compose problems under the editors: how many, and each with its place and message. */
import type { ComposeIssue } from '../../../shared/domain/stack';
import { issuePlace } from './compose-markers';

export function IssuesList({ id, issues, checking, error }: { id: string; issues: ComposeIssue[]; checking: boolean; error: string | null }) {
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  const count =
    issues.length === 0 ? 'No problems found.' : [errors && `${errors} error${errors > 1 ? 's' : ''}`, warnings && `${warnings} warning${warnings > 1 ? 's' : ''}`].filter(Boolean).join(', ');
  return (
    <section className="stack-issues" aria-label="Problems">
      <p id={id} role="status" className={errors ? 'stack-issues-count tone-bad' : 'stack-issues-count'} data-testid="stack-issue-count">
        {checking ? 'Checking…' : count}
      </p>
      {error && (
        <p className="field-error" role="alert">
          Could not check the files: {error}
        </p>
      )}
      {issues.length > 0 && (
        <ul className="stack-issue-list">
          {issues.map((issue, i) => (
            <li key={i} className={`stack-issue stack-issue-${issue.severity}`}>
              <span className="mono">{issuePlace(issue)}</span> {issue.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
