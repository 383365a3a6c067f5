/** `container`: a container by name on the node's Docker Engine — running, healthy, restarted, its image. */
import { CannotRun, labRegex, nameOf, nodeFor, type CheckKind } from './check-kit';
import { describeState, engineOf, inspectOrNull, shortfalls, stepStart } from './container-view';

export const containerCheck: CheckKind<'container'> = {
  ran: (c, target) => `docker inspect ${c.name} on ${nameOf(c.node, target)}`,

  async judge(c, { target, deps, signal }) {
    const node = nodeFor(c.node, target);
    const startedAfter = stepStart(c.startedSinceStep, target.reachedAt);
    const docker = await engineOf(node.id, node.name, (id, s) => deps.docker(id, s), signal);
    const info = await inspectOrNull(docker, c.name, signal);
    if (!info) return { pass: false, saw: `There is no container named ${c.name} on ${node.name}.` };
    if (!info.Config) throw new CannotRun(`Docker returned no configuration for container ${c.name}.`, 'Check again in a moment.');
    const problems = shortfalls(info, { running: c.running, healthy: c.healthy, startedAfter });
    const image = info.Config.Image;
    if (c.imageMatches !== undefined && !labRegex(c.imageMatches).test(image)) problems.push(`its image ${image} does not match /${c.imageMatches}/`);
    const saw = `Container ${c.name}: ${describeState(info)}, image ${image}.${problems.length ? ` Not as asked: ${problems.join('; ')}.` : ''}`;
    return { pass: problems.length === 0, saw };
  },
};
