/**
 * Collects the loader's findings as ComposeIssues. Every stage reports into one list; the list
 * is de-duplicated and ordered (by file, then line) once at the end, so stages need not care.
 */
import type { ComposeIssue } from '../../../../shared/domain/stack';
import type { Place } from './source-node';

/** A place in a file, or the whole file (line null) for issues with no spot in the text. */
export interface At {
  file: string;
  path: string;
  line: number | null;
  column: number | null;
}

export class Issues {
  readonly list: ComposeIssue[] = [];

  error(at: At | Place, message: string): void {
    this.add('error', at, message);
  }

  warning(at: At | Place, message: string): void {
    this.add('warning', at, message);
  }

  get hasErrors(): boolean {
    return this.list.some((i) => i.severity === 'error');
  }

  private add(severity: ComposeIssue['severity'], at: At, message: string): void {
    this.list.push({ severity, message, file: at.file, path: at.path, line: at.line, column: at.column });
  }
}

/** The whole file as a place (for issues like "no services" that belong to no line). */
export function wholeFile(file: string): At {
  return { file, path: '', line: null, column: null };
}

/**
 * Drops exact duplicates (an alias expanded twice reports the same spot twice) and sorts: files
 * in the order given (compose files first, then .env, then env_files), then line and column,
 * issues without a line first within their file.
 */
export function finishIssues(issues: ComposeIssue[], fileOrder: string[]): ComposeIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = JSON.stringify([i.severity, i.message, i.file, i.path, i.line, i.column]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (file: string) => {
    const idx = fileOrder.indexOf(file);
    return idx === -1 ? fileOrder.length : idx;
  };
  return unique.sort(
    (a, b) =>
      rank(a.file) - rank(b.file) ||
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.message.localeCompare(b.message),
  );
}
