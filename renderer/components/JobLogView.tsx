/**
 * A job's log, live: fetched when shown, then followed from `jobs.log`. "Follow" keeps the newest
 * line in view; scrolling is left alone while it is off.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../rpc/api';
import { useJobs } from '../stores/jobs';
import { holdJobLog, releaseJobLog } from './job-log-follow';
import { JobLogLines } from './JobLogLines';

interface JobLogViewProps {
  jobId: string;
  /** Accessible name of the log, e.g. "Log of Run recipe … on r720-01". */
  label: string;
}

export function JobLogView({ jobId, label }: JobLogViewProps) {
  const lines = useJobs((s) => s.logs[jobId]);
  const [follow, setFollow] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLPreElement>(null);
  const followId = useId();

  useEffect(() => {
    holdJobLog(jobId).catch((err: unknown) => setError(`Could not load the log: ${errorMessage(err)}`));
    return () => releaseJobLog(jobId);
  }, [jobId]);

  useEffect(() => {
    const el = ref.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [lines?.length, follow]);

  return (
    <div className="job-log-view">
      <div className="job-log-bar">
        <span className="job-log-title">Log</span>
        <label className="check job-log-follow" htmlFor={followId}>
          <input id={followId} type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow
        </label>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <pre ref={ref} className="job-log job-log-embedded" role="region" aria-label={label} tabIndex={0}>
        <JobLogLines lines={lines} />
      </pre>
    </div>
  );
}
