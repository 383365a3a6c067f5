/** The clusters Rackpilot knows: name (opens it), state, nodes, Kubernetes version and endpoint. */
import type { Cluster } from '../../../shared/domain/cluster-record';
import { routeHref } from '../../router';
import { useNodes } from '../../stores/nodes';
import { endpointLabel, nodeCount, nodesLine, STATE_CLASS, STATE_LABEL } from './cluster-format';

export function ClustersTable({ clusters, selected }: { clusters: readonly Cluster[]; selected: string | null }) {
  const nodes = useNodes((s) => s.nodes);
  return (
    <div className="table-scroll cluster-table-scroll">
      <table className="events cluster-table" aria-label="Clusters">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Nodes</th>
            <th scope="col">Version</th>
            <th scope="col">Endpoint</th>
          </tr>
        </thead>
        <tbody>
          {clusters.map((c) => {
            const current = c.name === selected;
            return (
              <tr key={c.name} className={current ? 'cluster-row-selected' : undefined} data-testid="cluster-row" data-cluster={c.name}>
                <th scope="row">
                  <a className="node-link" href={routeHref('clusters', c.name)} aria-current={current ? 'true' : undefined}>
                    {c.name}
                  </a>
                </th>
                <td>
                  <span className={`badge ${STATE_CLASS[c.state]}`} data-testid="cluster-state">
                    {STATE_LABEL[c.state]}
                  </span>
                </td>
                <td title={nodesLine(c)}>{nodeCount(c)}</td>
                <td>{c.spec.kubernetesVersion}</td>
                <td className="mono">{endpointLabel(c, nodes)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
