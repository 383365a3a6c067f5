/** API methods that reach nodes over SSH: host-key acceptance, facts, and the interop exports. */
import type { HostKeyScan } from '../../../shared/contract';
import type { Node } from '../../../shared/domain/node';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { JobsService } from '../jobs/jobs-service';
import type { NodesService } from '../nodes/nodes-service';
import type { Handlers } from '../rpc/handlers';
import type { FactsRepo } from '../store/facts-repo';
import type { SettingsRepo } from '../store/settings-repo';
import { exportAnsibleInventory, exportSshConfig } from './exports';
import { FACTS_PHASES, gatherFacts } from './facts';
import type { SshService } from './ssh-service';
import { targetFromNode } from './target';

type SshMethods =
  | 'nodes.scanHostKey'
  | 'nodes.acceptHostKey'
  | 'nodes.gatherFacts'
  | 'nodes.facts'
  | 'nodes.exportSshConfig'
  | 'nodes.exportAnsibleInventory'
  | 'nodes.sshStatus'
  | 'ssh.publicKey';

export interface SshHandlerDeps {
  nodes: NodesService;
  jobs: JobsService;
  ssh: SshService;
  facts: FactsRepo;
  settings: SettingsRepo;
  dataDir: string;
}

export function sshHandlers({ nodes, jobs, ssh, facts, settings, dataDir }: SshHandlerDeps): Pick<Handlers, SshMethods> {
  const scan = async (node: Node): Promise<HostKeyScan> => {
    if (node.address === '') {
      throw new RackpilotError(ErrorCode.Validation, `Node ${node.name} has no address yet. Edit the node and enter its IP address or host name.`);
    }
    const presented = await ssh.scanHostKey(node.address, node.sshPort, settings.get().connectTimeoutMs);
    const match = node.hostKeys.length === 0 ? 'unknown' : node.hostKeys.some((k) => k.fingerprint === presented.fingerprint) ? 'pinned' : 'mismatch';
    return { presented, pinned: node.hostKeys, match };
  };
  const selected = (ids: string[]) => [...new Set(ids)].map((id) => nodes.get(id));

  return {
    'nodes.scanHostKey': ({ id }) => scan(nodes.get(id)),
    'nodes.acceptHostKey': async ({ id, fingerprint }) => {
      const node = nodes.get(id);
      const { presented } = await scan(node);
      if (presented.fingerprint !== fingerprint) {
        throw new RackpilotError(
          ErrorCode.Conflict,
          `${node.name} now presents host key ${presented.type} ${presented.fingerprint}, not the ${fingerprint} you accepted; nothing was pinned. Check the fingerprint on the node's console and scan again.`,
          { presented },
        );
      }
      return nodes.pinHostKey(node.id, presented);
    },
    'nodes.gatherFacts': ({ id }) => {
      const node = nodes.get(id);
      return jobs.start({ kind: 'node.facts', title: `Gather facts of ${node.name}`, nodeId: node.id, phases: FACTS_PHASES }, (ctx) =>
        gatherFacts(ssh, targetFromNode(node), ctx, (f) => facts.set(node.id, f)),
      );
    },
    'nodes.facts': ({ id }) => facts.get(nodes.get(id).id),
    'nodes.sshStatus': () => ssh.pool.statuses(),
    'ssh.publicKey': () => ssh.publicKey,
    'nodes.exportSshConfig': ({ ids }) => exportSshConfig(selected(ids), dataDir),
    'nodes.exportAnsibleInventory': ({ ids, format }) => exportAnsibleInventory(selected(ids), dataDir, format),
  };
}
