/** Runs the cleanup script on every node at once (each only touches itself) and logs every line. */
import type { KubeNode, Remote } from '../remote';
import { cleanupScript, type CleanupScriptOptions } from './cleanup-script';
import { lastLines } from './node-kubectl';

export interface CleanupOptions extends Omit<CleanupScriptOptions, 'sshUser'> {
  signal: AbortSignal;
  log: (line: string) => void;
  onNodeDone?: (done: number, total: number) => void;
}

export async function cleanUpNodes(remote: Remote, nodes: KubeNode[], o: CleanupOptions): Promise<string[]> {
  const warnings: string[] = [];
  let done = 0;
  await Promise.all(
    nodes.map(async (node) => {
      const warn = (warning: string) => {
        warnings.push(warning);
        o.log(`Warning: ${warning}`);
      };
      try {
        const script = cleanupScript({ sshUser: node.target.user, apiServerUrls: o.apiServerUrls, ipvs: o.ipvs });
        let failures = 0;
        const result = await remote.run(node, script, {
          timeoutMs: 300_000,
          signal: o.signal,
          onLine: (line, stream) => {
            if (!line.trim()) return;
            if (stream === 'stdout' && line.startsWith('failed ')) failures += 1;
            o.log(`${node.name}: ${line}`);
          },
        });
        if (result.exitCode !== 0) warn(`The cleanup on ${node.name} stopped early (${lastLines(result.stderr) || `exit ${result.exitCode ?? result.signal}`}); the wipe check lists what is left.`);
        else if (failures > 0) warn(`${failures} removal(s) failed on ${node.name} (see the log); the wipe check lists what is left.`);
      } catch (e) {
        if (o.signal.aborted) throw e;
        warn(`Could not clean up ${node.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
      o.onNodeDone?.(++done, nodes.length);
    }),
  );
  return warnings;
}
