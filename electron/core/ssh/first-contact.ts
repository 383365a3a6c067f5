/**
 * Facts on first contact: the first time Rackpilot's pooled connection to a node comes up and it
 * has no facts yet, gather them in the background so the node view is filled without a click.
 */
import type { SshConnectionStatus } from '../../../shared/domain/ssh';
import type { JobsService } from '../jobs/jobs-service';
import type { Logger } from '../log';
import type { NodesService } from '../nodes/nodes-service';
import type { FactsRepo } from '../store/facts-repo';
import { FACTS_PHASES, gatherFacts } from './facts';
import type { SshService } from './ssh-service';
import { targetFromNode } from './target';

export interface FirstContactDeps {
  nodes: NodesService;
  jobs: JobsService;
  facts: FactsRepo;
  log: Logger;
  ssh: () => SshService;
}

export function factsOnFirstContact(deps: FirstContactDeps): (status: SshConnectionStatus) => void {
  // Nodes with a gathering job in flight (or already tried in this process): one attempt per
  // process, so a node whose facts script fails is not retried on every reconnect.
  const tried = new Set<string>();
  return (status) => {
    if (status.state !== 'connected' || tried.has(status.nodeId)) return;
    tried.add(status.nodeId);
    if (deps.facts.get(status.nodeId)) return;
    let node;
    try {
      node = deps.nodes.get(status.nodeId);
    } catch {
      return; // removed meanwhile
    }
    deps.log.info('first contact: gathering facts', { node: node.name });
    deps.jobs.start({ kind: 'node.facts', title: `Gather facts of ${node.name} (first contact)`, nodeId: node.id, phases: FACTS_PHASES }, (ctx) =>
      gatherFacts(deps.ssh(), targetFromNode(node), ctx, (f) => deps.facts.set(node.id, f)),
    );
  };
}
