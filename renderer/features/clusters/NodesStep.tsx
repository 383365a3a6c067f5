/**
 * Wizard step 2: each inventory node's part in the cluster — not used, control plane or worker
 * (one radio group per node, so a node is never both) — with the inventory checks' findings on
 * the node they are about and the cluster-wide ones below.
 */
import type { ClusterSpecIssue } from '../../../shared/domain/cluster';
import type { Node } from '../../../shared/domain/node';
import { clusterIssues, nodeIssues, roleOf, type ClusterForm, type NodeRole } from './cluster-form';
import { IssueList } from './IssueList';

interface Props {
  form: ClusterForm;
  nodes: readonly Node[];
  issues: readonly ClusterSpecIssue[];
  /** Errors of the whole spec that no node owns (no control plane yet, an endpoint needed…). */
  errors: readonly string[];
  onRole(nodeId: string, role: NodeRole | null): void;
}

const ROLES: { role: NodeRole | null; label: string }[] = [
  { role: null, label: 'Not used' },
  { role: 'control-plane', label: 'Control plane' },
  { role: 'worker', label: 'Worker' },
];

export function NodesStep({ form, nodes, issues, errors, onRole }: Props) {
  if (nodes.length === 0) {
    return (
      <p className="notice notice-warn">
        The inventory has no nodes yet. Add the machines on the Nodes page (or let them phone home after a PXE install), then come back.
      </p>
    );
  }
  const first = form.controlPlane[0];
  return (
    <div className="cluster-nodes-step">
      <p className="muted">
        Pick one control plane (or three for high availability) and any number of workers.
        {first && ` ${nodes.find((n) => n.id === first)?.name ?? first} runs kubeadm init; the others join it.`}
      </p>
      <div className="table-scroll">
        <table className="events cluster-node-picker" aria-label="Inventory nodes">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Address</th>
              <th scope="col">State</th>
              <th scope="col">Part in the cluster</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => {
              const role = roleOf(form, n.id);
              const own = nodeIssues(issues, form, n.id);
              return (
                <tr key={n.id} data-testid="cluster-node-choice" data-node={n.name}>
                  <th scope="row">
                    {n.name}
                    {own.length > 0 && <IssueList issues={own} />}
                  </th>
                  <td className="mono">{n.address || <span className="muted">no address yet</span>}</td>
                  <td>
                    <span className={`badge state-${n.state}`}>{n.state}</span>
                  </td>
                  <td>
                    <div role="radiogroup" aria-label={`Part of ${n.name}`} className="cluster-role-choice">
                      {ROLES.map((r) => (
                        <label key={r.label} className="check">
                          <input type="radio" name={`cluster-role-${n.id}`} checked={role === r.role} onChange={() => onRole(n.id, r.role)} />
                          {r.label}
                        </label>
                      ))}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {errors.length > 0 && (
        <ul className="cluster-issues" aria-label="Problems to fix">
          {errors.map((e) => (
            <li key={e} className="cluster-issue-error">
              {e}
            </li>
          ))}
        </ul>
      )}
      <IssueList issues={clusterIssues(issues).filter((i) => i.severity === 'warning')} />
    </div>
  );
}
