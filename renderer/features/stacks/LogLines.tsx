/** The log lines of a stack: time, service, text, with the search term highlighted. */
import type { StackLogLine } from '../../../shared/domain/stack';
import { highlightSegments, shortTime } from './log-search';

export function LogLines({ lines, query, showService }: { lines: StackLogLine[]; query: string; showService: boolean }) {
  return (
    <>
      {lines.map((l, i) => (
        <span key={i} className={`log-line log-${l.stream}`} data-testid="stack-log-line">
          {l.time && <span className="log-ts">{shortTime(l.time)} </span>}
          {showService && <span className="stack-log-service">{l.service} | </span>}
          {highlightSegments(l.text, query).map((seg, j) => (seg.match ? <mark key={j}>{seg.text}</mark> : seg.text))}
          {'\n'}
        </span>
      ))}
    </>
  );
}
