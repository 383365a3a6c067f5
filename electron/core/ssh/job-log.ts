/** Streams a command's stdout and stderr into a job's log, line by line (DESIGN §3). */
import type { JobContext } from '../jobs/jobs-service';
import { LineSplitter } from './output-tail';

export interface JobLogSink {
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
  /** Writes a final line that had no newline; call when the command ends. */
  flush(): void;
}

export function jobLogSink(ctx: Pick<JobContext, 'log'>): JobLogSink {
  const out = new LineSplitter((line) => ctx.log(line, 'stdout'));
  const err = new LineSplitter((line) => ctx.log(line, 'stderr'));
  return {
    onStdout: (chunk) => out.push(chunk),
    onStderr: (chunk) => err.push(chunk),
    flush: () => {
      out.flush();
      err.flush();
    },
  };
}
