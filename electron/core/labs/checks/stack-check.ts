/**
 * `stack`: a compose project on the node, found by the label docker compose (and Rackpilot)
 * put on its containers. Every service asked for (or every service found) needs its containers
 * running — healthy and restarted since the step when asked. One-off `run` containers are not
 * services.
 */
import { abortError } from '../../abort';
import { engineMessage } from '../../stacks/engine/engine-errors';
import { CannotRun, nameOf, nodeFor, type CheckKind } from './check-kit';
import { describeState, engineOf, inspectOrNull, shortfalls, stepStart, type Inspected } from './container-view';

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';
const ONEOFF = 'com.docker.compose.oneoff';

export const stackCheck: CheckKind<'stack'> = {
  ran: (c, target) => `docker ps for compose project ${c.project}${c.services ? ` (services ${c.services.join(', ')})` : ''} on ${nameOf(c.node, target)}`,

  async judge(c, { target, deps, signal }) {
    const node = nodeFor(c.node, target);
    const startedAfter = stepStart(c.startedSinceStep, target.reachedAt);
    const docker = await engineOf(node.id, node.name, (id, s) => deps.docker(id, s), signal);
    let listed;
    try {
      listed = await docker.listContainers({ all: true, filters: { label: [`${PROJECT}=${c.project}`] }, ...(signal ? { abortSignal: signal } : {}) });
    } catch (err) {
      if (signal?.aborted) throw abortError();
      throw new CannotRun(`Docker on ${node.name} did not list containers: ${engineMessage(err)}.`, `Check that Docker runs on ${node.name}, then check again.`);
    }
    const byService = new Map<string, Inspected[]>();
    for (const summary of listed.filter((s) => s.Labels?.[ONEOFF] !== 'True')) {
      const info = await inspectOrNull(docker, summary.Id, signal);
      if (!info) continue; // removed while we looked
      const service = summary.Labels?.[SERVICE] ?? '(no service label)';
      byService.set(service, [...(byService.get(service) ?? []), info]);
    }
    if (byService.size === 0) return { pass: false, saw: `There are no containers of compose project ${c.project} on ${node.name}.` };

    const wanted = c.services ?? [...byService.keys()].sort();
    const lines: string[] = [];
    let pass = true;
    for (const service of wanted) {
      const containers = byService.get(service) ?? [];
      if (containers.length === 0) {
        pass = false;
        lines.push(`${service}: no container.`);
        continue;
      }
      for (const info of containers) {
        const problems = shortfalls(info, { running: true, healthy: c.healthy, startedAfter });
        if (problems.length) pass = false;
        lines.push(`${service} (${info.Name.replace(/^\//, '')}): ${describeState(info)}${problems.length ? ` — ${problems.join('; ')}` : ''}.`);
      }
    }
    return { pass, saw: `Project ${c.project} on ${node.name}:\n${lines.join('\n')}` };
  },
};
