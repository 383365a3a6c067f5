/**
 * Per-node results of a bulk run, live: a row per node with its state and, when done, its outcome
 * — exit code and output tail for a command; ok / changed / failed / skipped for a recipe — each
 * expandable to the full output or the step list. Shown above the table until dismissed.
 */
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import { JobLogView } from '../../components/JobLogView';
import { holdJobLog, releaseJobLog } from '../../components/job-log-follow';
import { errorMessage, rpc } from '../../rpc/api';
import { onJobChanged, useJobs } from '../../stores/jobs';
import { useRecipes } from '../../stores/recipes';
import { nodesLabel, type BulkRun } from './bulk-run';
import { commandRows, countStates, lastLine, type CommandRow } from './command-results';
import { RecipeRunView } from './RecipeRunView';
import { formatDuration, recipeResultOf, stepList, summarize, summaryLabel } from './recipe-view';

export function BulkRunPanel({ run, onDismiss }: { run: BulkRun; onDismiss(): void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const jobs = useJobs((s) => s.jobs);
  const jobIds = run.kind === 'command' ? [run.jobId] : run.runs.map((r) => r.jobId);
  const byId = useMemo(() => new Map(jobs.map((j) => [j.id, j])), [jobs]);
  const running = jobIds.filter((id) => {
    const j = byId.get(id);
    return !j || !FINISHED_JOB_STATES.includes(j.state);
  });

  // The results appear where the dialog was: take the focus there.
  useEffect(() => {
    headingRef.current?.focus();
  }, [run]);

  const cancel = async () => {
    setCancelError(null);
    try {
      for (const j of await Promise.all(running.map((id) => rpc().call('jobs.cancel', { id })))) onJobChanged(j);
    } catch (err) {
      setCancelError(`Could not cancel: ${errorMessage(err)}`);
    }
  };

  const title =
    run.kind === 'command'
      ? `Command on ${nodesLabel(run.nodes.length)}`
      : `${run.checkOnly ? 'Check of' : 'Recipe'} "${run.recipe.title}" on ${nodesLabel(run.runs.length)}`;
  return (
    <section className="panel bulk-run" aria-labelledby="bulk-run-title" data-testid="bulk-run">
      <div className="panel-head">
        <h2 id="bulk-run-title" ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
        <div className="panel-actions">
          {running.length > 0 && (
            <button type="button" className="btn btn-small" onClick={cancel}>
              Cancel
            </button>
          )}
          <a className="btn btn-small" href="#/activity">
            Open in Activity
          </a>
          <button type="button" className="btn btn-small" onClick={onDismiss} aria-label="Dismiss the results">
            Dismiss
          </button>
        </div>
      </div>
      {run.kind === 'command' && (
        <p className="bulk-command">
          <code className="mono">{run.sudo ? `sudo ${run.command}` : run.command}</code>
        </p>
      )}
      {cancelError && (
        <p className="field-error" role="alert">
          {cancelError}
        </p>
      )}
      {run.kind === 'command' ? <CommandResults run={run} job={byId.get(run.jobId)} /> : <RecipeResults run={run} byId={byId} />}
    </section>
  );
}

function CommandResults({ run, job }: { run: Extract<BulkRun, { kind: 'command' }>; job: Job | undefined }) {
  const lines = useJobs((s) => s.logs[run.jobId]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    holdJobLog(run.jobId).catch(() => undefined); // the rows fall back to the job's result
    return () => releaseJobLog(run.jobId);
  }, [run.jobId]);

  const rows = useMemo(() => commandRows(run.nodes, lines, job), [run.nodes, lines, job]);
  const counts = countStates(rows);
  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <p className="bulk-summary" aria-live="polite" data-testid="bulk-summary">
        {(['ok', 'failed', 'unreachable', 'cancelled', 'running', 'waiting'] as const)
          .filter((s) => counts[s] > 0)
          .map((s) => `${counts[s]} ${s}`)
          .join(' · ')}
      </p>
      {job?.error && job.state !== 'cancelled' && <p className="job-error-inline">{job.error.message}</p>}
      <div className="table-wrap bulk-table-wrap">
        <table className="bulk-table" aria-label="Results per node">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">State</th>
              <th scope="col" className="num">
                Exit
              </th>
              <th scope="col" className="num">
                Time
              </th>
              <th scope="col">Output</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Fragment key={r.nodeId}>
                <tr data-testid="bulk-row" data-node={r.name} data-state={r.state}>
                  <th scope="row">
                    <button type="button" className="expander" aria-expanded={open.has(r.nodeId)} aria-controls={`bulk-out-${r.nodeId}`} onClick={() => toggle(r.nodeId)}>
                      <span className="chevron" aria-hidden="true">
                        {open.has(r.nodeId) ? '▾' : '▸'}
                      </span>
                      {r.name}
                    </button>
                  </th>
                  <td>
                    <span className={`badge cmd-state cmd-${r.state}`} data-testid="bulk-state">
                      {r.state}
                    </span>
                  </td>
                  <td className="num mono">{r.exitCode ?? ''}</td>
                  <td className="num nowrap">{r.durationMs === null ? '' : formatDuration(r.durationMs)}</td>
                  <td className="bulk-output" data-testid="bulk-output">
                    <Preview row={r} />
                  </td>
                </tr>
                {open.has(r.nodeId) && (
                  <tr className="bulk-detail">
                    <td colSpan={5} id={`bulk-out-${r.nodeId}`}>
                      <CommandOutput row={r} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      <details className="bulk-log">
        <summary>Job log</summary>
        <JobLogView jobId={run.jobId} label={`Log of the command on ${nodesLabel(run.nodes.length)}`} />
      </details>
    </>
  );
}

/** One line of a row: why it did not run, or its last line of output. */
function Preview({ row }: { row: CommandRow }) {
  if (row.error) return <span className="bulk-error">{row.error.message}</span>;
  const out = lastLine(row.stdout) || lastLine(row.stderr);
  if (out) return <span className={`mono${lastLine(row.stdout) ? '' : ' bulk-stderr'}`}>{out}</span>;
  return <span className="muted">{row.state === 'waiting' ? 'Waiting for its turn…' : row.state === 'running' ? 'Running…' : 'No output'}</span>;
}

function CommandOutput({ row }: { row: CommandRow }) {
  return (
    <div className="bulk-output-full">
      {row.error && (
        <p className="bulk-error">
          {row.error.message} <span className="mono muted">({row.error.code})</span>
        </p>
      )}
      <pre className="job-log job-log-embedded" role="region" aria-label={`Output of ${row.name}`} tabIndex={0}>
        {row.stdout || row.stderr ? (
          <>
            {row.stdout}
            {row.stderr && <span className="log-stderr">{row.stderr}</span>}
          </>
        ) : (
          'No output.'
        )}
      </pre>
    </div>
  );
}

function RecipeResults({ run, byId }: { run: Extract<BulkRun, { kind: 'recipe' }>; byId: Map<string, Job> }) {
  const live = useRecipes((s) => s.steps);
  const [open, setOpen] = useState<string | null>(null);
  const rows = run.runs.map((r) => {
    const job = byId.get(r.jobId);
    const steps = stepList(run.recipe, live[r.jobId], job);
    return { ...r, job, summary: recipeResultOf(job)?.summary ?? summarize(steps) };
  });
  const states = new Map<string, number>();
  for (const r of rows) states.set(r.job?.state ?? 'queued', (states.get(r.job?.state ?? 'queued') ?? 0) + 1);

  return (
    <>
      <p className="bulk-summary" aria-live="polite" data-testid="bulk-summary">
        {[...states].map(([s, n]) => `${n} ${s}`).join(' · ')}
      </p>
      <div className="table-wrap bulk-table-wrap">
        <table className="bulk-table" aria-label="Results per node">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">State</th>
              <th scope="col">Step</th>
              <th scope="col" className="num">
                ok
              </th>
              <th scope="col" className="num">
                {run.checkOnly ? 'would change' : 'changed'}
              </th>
              <th scope="col" className="num">
                failed
              </th>
              <th scope="col" className="num">
                skipped
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const finished = r.job ? FINISHED_JOB_STATES.includes(r.job.state) : false;
              return (
                <Fragment key={r.jobId}>
                  <tr data-testid="bulk-row" data-node={r.name} data-state={r.job?.state ?? 'queued'}>
                    <th scope="row">
                      <button type="button" className="expander" aria-expanded={open === r.jobId} aria-controls={`bulk-steps-${r.jobId}`} onClick={() => setOpen((o) => (o === r.jobId ? null : r.jobId))}>
                        <span className="chevron" aria-hidden="true">
                          {open === r.jobId ? '▾' : '▸'}
                        </span>
                        {r.name}
                      </button>
                    </th>
                    <td>
                      <span className={`badge job-state-${r.job?.state ?? 'queued'}`} data-testid="bulk-state">
                        {r.job?.state ?? 'queued'}
                      </span>
                    </td>
                    <td className="bulk-output">
                      {finished ? (
                        r.job?.error ? <span className="bulk-error">{r.job.error.message}</span> : <span className="muted">{summaryLabel(r.summary, run.checkOnly)}</span>
                      ) : (
                        <span className="muted">{r.job?.phase ?? 'Waiting…'}</span>
                      )}
                    </td>
                    <td className="num">{r.summary.ok}</td>
                    <td className="num">{r.summary.changed}</td>
                    <td className={`num${r.summary.failed ? ' bulk-error' : ''}`}>{r.summary.failed}</td>
                    <td className="num">{r.summary.skipped}</td>
                  </tr>
                  {open === r.jobId && r.job && (
                    <tr className="bulk-detail">
                      <td colSpan={7} id={`bulk-steps-${r.jobId}`}>
                        <RecipeRunView job={r.job} info={run.recipe} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
