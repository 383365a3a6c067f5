/** The lines of one reading of a stack's logs, with its status; mounted only while the Logs tab shows. */
import { useEffect, useRef } from 'react';
import { lineMatches } from './log-search';
import { LogLines } from './LogLines';
import { useStackLogs, type LogOptions, type LogStatus } from './use-stack-logs';

const STATUS_TEXT: Record<LogStatus, string> = {
  reading: 'Reading…',
  following: 'Following',
  ended: 'End of log',
  error: 'Stopped',
};

interface LogViewProps {
  nodeId: string;
  name: string;
  options: LogOptions;
  query: string;
  onlyMatching: boolean;
  showService: boolean;
  onReadAgain(): void;
}

export function LogView({ nodeId, name, options, query, onlyMatching, showService, onReadAgain }: LogViewProps) {
  const { lines, status, error } = useStackLogs(nodeId, name, options);
  const ref = useRef<HTMLPreElement>(null);
  const shown = onlyMatching && query ? lines.filter((l) => lineMatches(l, query)) : lines;
  const matches = query ? (onlyMatching ? shown.length : lines.filter((l) => lineMatches(l, query)).length) : 0;

  useEffect(() => {
    const el = ref.current;
    if (el && options.follow) el.scrollTop = el.scrollHeight;
  }, [shown.length, options.follow]);

  return (
    <>
      <p className="stack-logs-status muted" role="status" data-testid="stack-logs-status" data-status={status}>
        {STATUS_TEXT[status]} · {lines.length} line{lines.length === 1 ? '' : 's'}
        {query ? ` · ${matches} matching` : ''}
        {(status === 'ended' || status === 'error') && (
          <button type="button" className="btn btn-small" onClick={onReadAgain}>
            Read again
          </button>
        )}
      </p>
      {error && (
        <p className="notice notice-error" role="alert">
          Could not read the logs of {name}: {error}
        </p>
      )}
      <pre ref={ref} className="job-log stack-log" role="log" aria-label={`Logs of ${name}`} tabIndex={0}>
        {shown.length === 0 ? (status === 'error' ? '' : query && lines.length > 0 ? 'No line matches the search.' : status === 'ended' ? 'The log is empty.' : 'No log lines yet.') : <LogLines lines={shown} query={query} showService={showService} />}
      </pre>
    </>
  );
}
