/**
 * Plan, then deploy: fetches what applying a version (the current files, or a history version for
 * a rollback) would change, shows it, and "Deploy" applies exactly that plan (its hash goes with
 * the request, so the core refuses if the node changed since). The job then shows below.
 */
import { useEffect, useState } from 'react';
import type { Job } from '../../../shared/domain/job';
import type { StackPlan } from '../../../shared/domain/stack';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { errorMessage, rpc } from '../../rpc/api';
import { planBlocked } from './plan-format';
import { PlanView } from './PlanView';
import { StackJob } from './StackJob';

interface PlanPanelProps {
  nodeId: string;
  name: string;
  version: number | 'current';
  /** Changing it plans again (the Plan tab bumps it each time it is shown: files or node may have changed). */
  refresh?: number;
  /** Called when a deploy job ends, to refresh the stack. */
  onDeployed?(job: Job): void;
}

interface Answer {
  request: string;
  plan: StackPlan | null;
  error: string | null;
}

export function PlanPanel({ nodeId, name, version, refresh = 0, onDeployed }: PlanPanelProps) {
  const [asked, setAsked] = useState(0);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [deployError, setDeployError] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [applying, setApplying] = useState(false);
  const [jobRunning, setJobRunning] = useState(false);
  const request = `${refresh}/${asked}`;

  useEffect(() => {
    let live = true;
    rpc()
      .call('stacks.plan', { nodeId, name, version })
      .then(
        (plan) => live && setAnswer({ request, plan, error: null }),
        (err: unknown) => live && setAnswer({ request, plan: null, error: `Could not plan ${name}: ${errorMessage(err)}` }),
      );
    return () => {
      live = false;
    };
  }, [nodeId, name, version, request]);

  const loading = answer?.request !== request;
  // The previous plan stays shown while a new one is made.
  const plan = answer?.plan ?? null;
  const replan = () => setAsked((n) => n + 1);

  const deploy = async () => {
    if (!plan) return;
    setApplying(true);
    setDeployError(null);
    try {
      setJob(await rpc().call('stacks.apply', { nodeId, name, version, planHash: plan.planHash }));
      setJobRunning(true);
    } catch (err) {
      if (err instanceof RackpilotError && err.code === ErrorCode.Conflict) {
        setDeployError(`The node changed since this plan was made, so nothing was deployed. The plan below is new: review it and deploy again. (${err.message})`);
        replan();
      } else setDeployError(`Could not deploy ${name}: ${errorMessage(err)}`);
    } finally {
      setApplying(false);
    }
  };

  const blocked = plan ? planBlocked(plan) : null;
  const what = version === 'current' ? 'the saved files' : `version ${version}`;
  return (
    <div className="stack-plan-panel">
      <div className="stack-plan-head">
        <h3>{version === 'current' ? 'Plan' : `Plan to roll back to version ${version}`}</h3>
        <button type="button" className="btn btn-small" disabled={loading || applying} onClick={replan}>
          {loading ? 'Planning…' : 'Refresh plan'}
        </button>
      </div>
      {!loading && answer?.error && (
        <p className="notice notice-error" role="alert">
          {answer.error}
        </p>
      )}
      {deployError && (
        <p className="notice notice-error" role="alert">
          {deployError}
        </p>
      )}
      {!plan && loading && (
        <p className="muted" role="status">
          Comparing {what} with the node…
        </p>
      )}
      {plan && <PlanView plan={plan} />}
      {blocked && <p className="notice notice-warn">{blocked}</p>}
      {plan && (
        <div className="stack-deploy">
          <button type="button" className="btn btn-primary" disabled={applying || jobRunning || loading || !!blocked} onClick={() => void deploy()}>
            {applying ? 'Deploying…' : plan.noop ? 'Deploy (no changes)' : 'Deploy'}
          </button>
          <span className="muted">
            Applies plan{' '}
            <span className="mono" data-testid="plan-hash" title={plan.planHash}>
              {plan.planHash.slice(0, 12)}
            </span>{' '}
            of {what}
          </span>
        </div>
      )}
      {job && (
        <StackJob
          key={job.id}
          job={job}
          onFinished={(done) => {
            setJobRunning(false);
            onDeployed?.(done);
            replan();
          }}
        />
      )}
    </div>
  );
}
