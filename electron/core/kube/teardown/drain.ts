/**
 * Workers are drained (their pods get a graceful stop: databases flush, clients disconnect) and
 * deleted from the API before their reset. The cluster is being destroyed, so a drain that fails
 * is logged and the teardown goes on.
 */
import { redactKubeadmOutput } from '../output/redact';
import { shellQuote } from '../../ssh/remote-command';
import type { KubeNode, Remote } from '../remote';
import { KUBECTL, lastLines } from './node-kubectl';
import { kubeName } from './order';

export interface DrainOptions {
  init: KubeNode;
  workers: KubeNode[];
  signal: AbortSignal;
  log: (line: string) => void;
  /** Called after each worker, for progress. */
  onWorkerDone?: (done: number, total: number) => void;
}

export async function drainWorkers(remote: Remote, o: DrainOptions): Promise<string[]> {
  const warnings: string[] = [];
  let done = 0;
  for (const worker of o.workers) {
    if (o.signal.aborted) break;
    const name = shellQuote(kubeName(worker));
    const run = (script: string, timeoutMs: number) =>
      remote.run(o.init, script, { timeoutMs, signal: o.signal, onLine: (line) => o.log(`${o.init.name}: ${redactKubeadmOutput(line)}`) });

    o.log(`Draining ${worker.name}`);
    const drained = await run(`${KUBECTL} drain ${name} --ignore-daemonsets --delete-emptydir-data --force --timeout=120s`, 180_000);
    if (drained.exitCode !== 0) {
      const warning = `Draining ${worker.name} failed (${lastLines(drained.stderr || drained.stdout) || `exit ${drained.exitCode}`}); its pods are stopped by the reset instead.`;
      warnings.push(warning);
      o.log(`Warning: ${warning}`);
    }
    const deleted = await run(`${KUBECTL} delete node ${name}`, 90_000);
    if (deleted.exitCode === 0) o.log(`Deleted node ${kubeName(worker)} from the cluster`);
    else if (/NotFound|not found/.test(deleted.stderr)) o.log(`Node ${kubeName(worker)} was not registered (any more)`);
    else {
      const warning = `Deleting node ${kubeName(worker)} failed (${lastLines(deleted.stderr || deleted.stdout) || `exit ${deleted.exitCode}`}); the reset goes on.`;
      warnings.push(warning);
      o.log(`Warning: ${warning}`);
    }
    o.onWorkerDone?.(++done, o.workers.length);
  }
  return warnings;
}
