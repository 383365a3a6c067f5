/** The stacks on a target: state, services, health, ports (links open in a new tab) and who made them. */
import type { StackSummary } from '../../../shared/domain/stack';
import { routeHref } from '../../router';
import { PortLinks } from './PortLinks';
import { createdByLabel, HEALTH_CLASS, servicesLine, stackItem, stackPorts, STATE_CLASS, STATE_LABEL, worstHealth } from './stack-format';

export function StacksTable({ stacks, selected }: { stacks: StackSummary[]; selected: string | null }) {
  return (
    <div className="table-scroll stack-table-scroll">
      <table className="events stack-table" aria-label="Stacks">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Services</th>
            <th scope="col">Health</th>
            <th scope="col">Ports</th>
            <th scope="col">Created by</th>
          </tr>
        </thead>
        <tbody>
          {stacks.map((s) => {
            const health = worstHealth(s.services.flatMap((x) => x.containers));
            const current = s.name === selected;
            return (
              <tr key={s.name} className={current ? 'stack-row-selected' : undefined} data-testid="stack-row" data-stack={s.name}>
                <th scope="row">
                  <a className="node-link" href={routeHref('stacks', stackItem(s.nodeId, s.name))} aria-current={current ? 'true' : undefined}>
                    {s.name}
                  </a>
                </th>
                <td>
                  <span className={`badge ${STATE_CLASS[s.state]}`} data-testid="stack-state">
                    {STATE_LABEL[s.state]}
                  </span>
                </td>
                <td>{servicesLine(s)}</td>
                <td>{health === 'none' ? <span className="muted">—</span> : <span className={`badge ${HEALTH_CLASS[health]}`}>{health}</span>}</td>
                <td>
                  <PortLinks ports={stackPorts(s)} />
                </td>
                <td>{createdByLabel(s)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
