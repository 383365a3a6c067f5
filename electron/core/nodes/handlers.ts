/** API methods of the nodes area. */
import type { Handlers } from '../rpc/handlers';
import type { JobsService } from '../jobs/jobs-service';
import type { SettingsRepo } from '../store/settings-repo';
import { checkConnectivity, CONNECTIVITY_PHASES } from './connectivity';
import type { NodesService } from './nodes-service';

type NodeMethods = 'nodes.list' | 'nodes.get' | 'nodes.create' | 'nodes.update' | 'nodes.remove' | 'nodes.import' | 'nodes.checkConnectivity';

export function nodeHandlers(nodes: NodesService, jobs: JobsService, settings: SettingsRepo): Pick<Handlers, NodeMethods> {
  return {
    'nodes.list': () => nodes.list(),
    'nodes.get': ({ id }) => nodes.get(id),
    'nodes.create': (input) => nodes.create(input),
    'nodes.update': ({ id, changes }) => nodes.update(id, changes),
    'nodes.remove': ({ id }) => nodes.remove(id),
    'nodes.import': ({ nodes: rows }, { progress, signal }) => nodes.import(rows, progress, signal),
    'nodes.checkConnectivity': ({ id }) => {
      const node = nodes.get(id);
      const timeoutMs = settings.get().connectTimeoutMs;
      return jobs.start(
        { kind: 'node.connectivity', title: `Connectivity check of ${node.name}`, nodeId: node.id, phases: CONNECTIVITY_PHASES },
        (ctx) => checkConnectivity({ name: node.name, address: node.address, port: node.sshPort, timeoutMs }, ctx),
      );
    },
  };
}
