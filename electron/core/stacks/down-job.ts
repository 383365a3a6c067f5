/**
 * The body of a `stack.down` job: remove the stack's containers and networks by their labels
 * (so it works as well for a stack docker compose started), and its volumes only when the user
 * confirmed. Audited; secrets of a stored stack are masked in its log.
 */
import type { AuditLog } from '../events/audit';
import type { EventBus } from '../events/bus';
import type { JobContext } from '../jobs/jobs-service';
import type { EngineConnector } from './docker/engine-connector';
import { downStack, type DownResult } from './engine/down';
import { redactError, redactor, secretValues } from './secrets';
import type { StackPlace } from './stack-place';
import type { StoredStack } from './stack-store';

export interface DownDeps {
  engines: EngineConnector;
  bus: EventBus;
  audit: AuditLog;
}

export async function runDown(deps: DownDeps, place: StackPlace, name: string, removeVolumes: boolean, stored: StoredStack | null, job: JobContext): Promise<DownResult> {
  const redact = redactor(stored ? secretValues(stored) : []);
  const log = (line: string) => job.log(redact(line));
  try {
    const { docker } = await deps.engines.connect(place.nodeId, job.signal);
    job.phase('Removing');
    const result = await downStack(docker, name, { removeVolumes, signal: job.signal, log });
    const what = `${result.containers} container(s), ${result.networks} network(s)${removeVolumes ? `, ${result.volumes} volume(s)` : '; volumes kept'}`;
    log(`Removed ${what}`);
    deps.audit.record({
      actor: 'user',
      kind: 'stack.down',
      subjectId: place.target ? place.nodeId : null,
      summary: `Took stack ${name} down on ${place.label}: removed ${what}`,
      data: { nodeId: place.nodeId, name, removeVolumes, ...result },
    });
    return result;
  } catch (err) {
    throw redactError(err, redact);
  } finally {
    deps.bus.publish('stacks.changed', { nodeId: place.nodeId, name });
  }
}
