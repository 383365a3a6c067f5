/**
 * One lab (route #/labs/<id>). Before it starts: what it is about, what it needs, its steps and
 * where real hardware differs, with Start as the next action. While it runs: the steps with done
 * marks, the step's text beside its live check results, and a terminal to the lab's nodes. A
 * practice-node or reset job shows at the top while it runs.
 */
import { useEffect, useState } from 'react';
import type { LabDetail, LabRun } from '../../../shared/domain/lab';
import { routeHref } from '../../router';
import { loadLab, useLabs } from '../../stores/labs';
import { LabIntro } from './LabIntro';
import { LabJob } from './LabJob';
import { LabWorkspace } from './LabWorkspace';
import { progressLine } from './lab-format';
import { ResetLabDialog } from './ResetLabDialog';
import { StartLabDialog } from './StartLabDialog';
import { StopLabDialog } from './StopLabDialog';

type DialogName = 'start' | 'reset' | 'stop';

export function LabView({ labId, onClose }: { labId: string; onClose(): void }) {
  const detail = useLabs((s) => s.details[labId]);
  const loadError = useLabs((s) => s.detailErrors[labId]);
  const labJob = useLabs((s) => s.labJobs[labId] ?? null);

  useEffect(() => {
    void loadLab(labId);
  }, [labId]);

  if (!detail) {
    return (
      <>
        <div className="page-head">
          <h1 id="page-title">Labs</h1>
          <a className="btn" href={routeHref('labs')}>
            All labs
          </a>
        </div>
        {loadError ? (
          <div className="notice notice-error" role="alert">
            Could not open the lab {labId}: {loadError}
            <button type="button" className="btn btn-small" onClick={() => void loadLab(labId)}>
              Try again
            </button>
          </div>
        ) : (
          <p className="empty" role="status">
            Loading the lab…
          </p>
        )}
      </>
    );
  }
  return <LoadedLab detail={detail} labJob={labJob} onClose={onClose} />;
}

function LoadedLab({ detail, labJob, onClose }: { detail: LabDetail; labJob: string | null; onClose(): void }) {
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const { summary, run } = detail;
  const jobId = run?.resetJobId ?? labJob;

  return (
    <div className="lab-view" data-testid="lab-view" data-lab={summary.id}>
      <div className="page-head lab-head">
        <h1 id="page-title">{summary.title}</h1>
        <span className={`badge ${summary.progress.completed ? 'state-ready' : ''}`} data-testid="lab-view-progress">
          {progressLine(summary.progress, summary.stepCount)}
        </span>
        <div className="panel-actions">
          {run ? (
            <>
              <button type="button" className="btn btn-danger-quiet" onClick={() => setDialog('reset')}>
                Reset lab
              </button>
              <button type="button" className="btn btn-danger-quiet" onClick={() => setDialog('stop')}>
                Stop lab
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-primary" onClick={() => setDialog('start')}>
              Start lab
            </button>
          )}
          <button type="button" className="btn" onClick={onClose}>
            All labs
          </button>
        </div>
      </div>
      {jobId && <LabJob jobId={jobId} running={run !== null} />}
      {run ? <LabWorkspace key={workspaceKey(run)} detail={detail} run={run} /> : <LabIntro detail={detail} onStart={() => setDialog('start')} />}
      {dialog === 'start' && <StartLabDialog summary={summary} onClose={() => setDialog(null)} />}
      {dialog === 'reset' && <ResetLabDialog detail={detail} onClose={() => setDialog(null)} />}
      {dialog === 'stop' && <StopLabDialog summary={summary} onClose={() => setDialog(null)} />}
    </div>
  );
}

/** A new run, or a reset one (its first step reached anew), opens on its current step again. */
function workspaceKey(run: LabRun): string {
  return `${run.startedAt}|${run.steps[0]?.reachedAt ?? ''}`;
}
