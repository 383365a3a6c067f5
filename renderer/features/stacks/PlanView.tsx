/** A plan as the user reviews it before deploying: per-container actions with reasons, resources, pulls. */
import type { StackPlan } from '../../../shared/domain/stack';
import { ACTION_CLASS, ACTION_LABEL, planSummary, RESOURCE_LABEL, sortActions } from './plan-format';

export function PlanView({ plan }: { plan: StackPlan }) {
  return (
    <div className="stack-plan" data-testid="stack-plan" data-noop={plan.noop ? 'true' : 'false'}>
      <p className="stack-plan-summary" data-testid="stack-plan-summary">
        {planSummary(plan)}
      </p>
      {plan.actions.length > 0 && (
        <table className="events stack-table" aria-label="Planned changes">
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Service</th>
              <th scope="col">Container</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {sortActions(plan.actions).map((a) => (
              <tr key={`${a.action}-${a.container}`} data-testid="plan-action" data-action={a.action} data-service={a.service}>
                <td>
                  <span className={`badge ${ACTION_CLASS[a.action]}`}>{ACTION_LABEL[a.action]}</span>
                </td>
                <td>{a.service}</td>
                <td className="mono">{a.container}</td>
                <td>{a.reasons.length > 0 ? a.reasons.join('; ') : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan.resources.length > 0 && (
        <table className="events stack-table" aria-label="Networks and volumes">
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Kind</th>
              <th scope="col">Name</th>
            </tr>
          </thead>
          <tbody>
            {plan.resources.map((r) => (
              <tr key={`${r.kind}-${r.name}`}>
                <td>
                  <span className={`badge ${r.action === 'missing-external' ? 'state-failed' : r.action === 'create' ? 'plan-create' : 'plan-keep'}`}>{RESOURCE_LABEL[r.action]}</span>
                </td>
                <td>{r.kind}</td>
                <td className="mono">{r.name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan.pulls.length > 0 && (
        <p>
          Images to pull:{' '}
          {plan.pulls.map((image, i) => (
            <span key={image}>
              {i > 0 && ', '}
              <span className="mono">{image}</span>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
