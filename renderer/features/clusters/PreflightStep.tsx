/**
 * Wizard step 3: what will be created, and the preflight job's progress and report. The report
 * decides whether "Create cluster" is offered (the wizard owns that button).
 */
import type { ClusterSpec, ClusterSpecIssue } from '../../../shared/domain/cluster';
import type { Job } from '../../../shared/domain/job';
import { ClusterJob } from './ClusterJob';
import { IssueList } from './IssueList';
import { PreflightReportView } from './PreflightReportView';
import { preflightReportOf } from './report-format';

interface Props {
  spec: ClusterSpec;
  nodes: readonly { id: string; name: string }[];
  warnings: readonly ClusterSpecIssue[];
  job: Job | null;
}

export function PreflightStep({ spec, nodes, warnings, job }: Props) {
  const name = (id: string) => nodes.find((n) => n.id === id)?.name ?? id;
  const members = [...spec.controlPlane, ...spec.workers].map((id) => ({ id, name: name(id) }));
  const report = preflightReportOf(job);
  return (
    <div className="cluster-preflight-step">
      <dl className="cluster-facts">
        <div>
          <dt>Cluster</dt>
          <dd>
            {spec.name} · Kubernetes {spec.kubernetesVersion} · {spec.cni}
          </dd>
        </div>
        <div>
          <dt>Control planes</dt>
          <dd>{spec.controlPlane.map(name).join(', ')}</dd>
        </div>
        <div>
          <dt>Workers</dt>
          <dd>{spec.workers.length > 0 ? spec.workers.map(name).join(', ') : 'none'}</dd>
        </div>
        <div>
          <dt>Networks</dt>
          <dd className="mono">
            pods {spec.podCidr} · services {spec.serviceCidr}
          </dd>
        </div>
      </dl>
      <IssueList issues={warnings} />
      {!job && (
        <p className="muted">
          Preflight saves the cluster as a draft, then checks each node over SSH: sudo, OS and architecture, CPUs and memory, unique host name, MAC and product_uuid,
          swap, time sync, and that the Kubernetes ports are free and reachable between the nodes. Nothing is changed on the nodes.
        </p>
      )}
      {job && <ClusterJob job={job}>{report && <PreflightReportView report={report} nodes={members} />}</ClusterJob>}
    </div>
  );
}
