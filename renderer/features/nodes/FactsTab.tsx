/**
 * The Facts tab: what the node told Rackpilot about itself over SSH — OS, kernel, CPU, memory,
 * disks, NICs, machine and virtualisation — with "Gather again" and the gathering job's progress.
 * Facts are also gathered on their own the first time Rackpilot connects to the node.
 */
import { useEffect, useMemo, useState } from 'react';
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import type { Node } from '../../../shared/domain/node';
import { errorMessage, rpc } from '../../rpc/api';
import { loadFacts, useFacts } from '../../stores/facts';
import { onJobChanged, useJobs } from '../../stores/jobs';
import { formatTime } from '../activity/format';
import { FactsView } from './FactsView';

const HOST_KEY_CODES = new Set(['E_SSH_HOSTKEY_UNKNOWN', 'E_SSH_HOSTKEY_MISMATCH']);

export function FactsTab({ node, onShowOverview }: { node: Node; onShowOverview(): void }) {
  const entry = useFacts((s) => s.byNode[node.id]);
  const jobs = useJobs((s) => s.jobs);
  // Jobs are newest first: the latest facts job of this node, whoever started it.
  const job = useMemo(() => jobs.find((j) => j.nodeId === node.id && j.kind === 'node.facts'), [jobs, node.id]);
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    void loadFacts(node.id);
  }, [node.id]);
  // A facts job that succeeded stored new facts: fetch them.
  const succeededId = job?.state === 'succeeded' ? job.id : null;
  useEffect(() => {
    if (succeededId) void loadFacts(node.id);
  }, [succeededId, node.id]);

  const gather = async () => {
    setStartError(null);
    setStarting(true);
    try {
      onJobChanged(await rpc().call('nodes.gatherFacts', { id: node.id }));
    } catch (err) {
      setStartError(`Could not start gathering facts: ${errorMessage(err)}`);
    } finally {
      setStarting(false);
    }
  };

  const facts = entry?.facts ?? null;
  const running = job !== undefined && !FINISHED_JOB_STATES.includes(job.state);
  // A failure older than the facts shown is history, not news.
  const failed = job?.state === 'failed' && (!facts || (job.finishedAt ?? '') > facts.gatheredAt) ? job : null;

  return (
    <div className="facts-tab">
      <div className="facts-head">
        <p className="muted" data-testid="facts-gathered">
          {facts ? `Gathered ${formatTime(facts.gatheredAt)}` : ''}
        </p>
        <button type="button" className="btn btn-small" onClick={gather} disabled={running || starting}>
          {running ? 'Gathering…' : facts ? 'Gather again' : 'Gather now'}
        </button>
      </div>
      {running && job && <GatherProgress job={job} />}
      {startError && (
        <p className="field-error" role="alert">
          {startError}
        </p>
      )}
      {failed?.error && (
        <div className="notice notice-error" role="alert" data-testid="facts-error">
          <span>Could not gather facts: {failed.error.message}</span>
          {HOST_KEY_CODES.has(failed.error.code) && (
            <button type="button" className="btn btn-small" onClick={onShowOverview}>
              Check the host key
            </button>
          )}
        </div>
      )}
      {entry?.status === 'error' && (
        <p className="field-error" role="alert">
          Could not load the facts: {entry.error}
        </p>
      )}
      {!entry || (entry.status === 'loading' && !facts) ? (
        <p className="muted" role="status">
          Loading facts…
        </p>
      ) : facts ? (
        <FactsView facts={facts} nodeName={node.name} />
      ) : (
        entry.status === 'ready' && (
          <div className="empty-inline" data-testid="facts-empty">
            <p>No facts yet — gathered on first SSH contact or with Gather now</p>
          </div>
        )
      )}
    </div>
  );
}

function GatherProgress({ job }: { job: Job }) {
  const percent = Math.round(job.progress * 100);
  return (
    <div className="gather-progress" role="status">
      <progress max={100} value={percent} aria-label="Gathering facts">
        {percent}%
      </progress>
      <span className="muted">{job.state === 'queued' ? 'Queued…' : job.phase ? `${job.phase}…` : 'Starting…'}</span>
    </div>
  );
}
