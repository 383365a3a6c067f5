/**
 * Where `stacks.validate`'s issues go in an editor's text: each issue carries a 1-based line and
 * column; the marker covers the word that starts there (or one character), clamped to the text,
 * because a zero-width marker is easy to miss. Issues without a place are listed, not marked.
 */
import type { ComposeIssue } from '../../../shared/domain/stack';

export interface TextMarker {
  from: number;
  to: number;
  severity: 'error' | 'warning';
  message: string;
}

/** Offsets at which each line starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function markersFor(text: string, issues: readonly ComposeIssue[], file: string): TextMarker[] {
  const starts = lineStarts(text);
  const markers: TextMarker[] = [];
  for (const issue of issues) {
    if (issue.file !== file || issue.line === null) continue;
    const lineIndex = Math.min(Math.max(issue.line, 1), starts.length) - 1;
    const lineStart = starts[lineIndex] ?? 0;
    const lineEnd = lineIndex + 1 < starts.length ? (starts[lineIndex + 1] ?? text.length) - 1 : text.length;
    const from = Math.min(lineStart + Math.max((issue.column ?? 1) - 1, 0), lineEnd);
    let to = from;
    while (to < lineEnd && !/[\s:,\]}]/.test(text[to] ?? ' ')) to++;
    if (to === from) to = Math.min(from + 1, lineEnd);
    markers.push({ from, to, severity: issue.severity, message: issue.message });
  }
  return markers;
}

/** Issues an editor cannot mark (no line, or another file's), for the list under the editors. */
export function unplacedIssues(issues: readonly ComposeIssue[], markedFiles: readonly string[]): ComposeIssue[] {
  return issues.filter((i) => i.line === null || !markedFiles.includes(i.file));
}

/** "compose.yaml:12:5" or "compose.yaml" — where an issue is, for lists. */
export function issuePlace(issue: ComposeIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}${issue.column === null ? '' : `:${issue.column}`}`;
  return issue.path ? `${where} (${issue.path})` : where;
}
