/** The lines of a job's log inside its <pre>: time, text, and the stream as a class for colour. */
import type { JobLogLine } from '../../shared/domain/job';

export function JobLogLines({ lines }: { lines: JobLogLine[] | undefined }) {
  if (!lines || lines.length === 0) return <>No log lines yet.</>;
  return (
    <>
      {lines.map((l) => (
        <span key={l.seq} className={`log-line log-${l.stream}`}>
          <span className="log-ts">{l.ts.slice(11, 23)}</span> {l.line}
          {'\n'}
        </span>
      ))}
    </>
  );
}
