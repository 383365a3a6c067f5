import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, testImages } from '../../testing/docker';
import { tempDir } from '../../testing/temp-app';
import type { ComposeProject } from '../compose/model';
import { applyStack } from './apply';
import { listProjects, observeProject } from './discover';
import { localImageIds, projectImages } from './images';
import { planStack } from './planner';
import { serviceAction } from './service-actions';
import { loadTestProject, localDocker, recordingContext, removeStack, serviceContainerId, uniqueStackName, untagPulled } from './testing-engine';

const skip = requireDocker();
const docker = localDocker();
const NAME = uniqueStackName('apply');

describe.skipIf(skip)('applyStack on the local engine', () => {
  let project: ComposeProject;

  let images: { busybox: string; web: string };
  const dir = tempDir(`rackpilot-${NAME}-`);
  /** The stack's compose file; init: true so `sleep` and `httpd` (PID 1 ignores SIGTERM) stop at once. */
  const load = (mode: string, opts: { extra?: boolean } = {}) =>
    loadTestProject(
      NAME,
      [
        'services:',
        '  web:',
        `    image: ${images.web}`,
        '    init: true',
        '    ports: ["80"]',
        '  worker:',
        `    image: ${images.busybox}`,
        '    init: true',
        '    command: ["sleep", "1d"]',
        '    environment:',
        `      MODE: ${mode}`,
        ...(opts.extra ? ['  extra:', `    image: ${images.busybox}`, '    init: true', '    command: ["sleep", "1d"]'] : []),
        '',
      ].join('\n'),
      dir,
    ).project;

  beforeAll(async () => {
    images = await testImages();
    project = load('prod', { extra: true });
  });
  afterAll(async () => {
    if (skip) return;
    await removeStack(docker, NAME);
    untagPulled([images.busybox, images.web]);
  });

  const plan = async (p: ComposeProject) => planStack(p, await observeProject(docker, p.name, p), await localImageIds(docker, projectImages(p)));
  const ids = async () => ({
    web: await serviceContainerId(docker, NAME, 'web'),
    worker: await serviceContainerId(docker, NAME, 'worker'),
  });

  it('pulls and creates everything on first apply', async () => {
    const first = await plan(project);
    expect(first.actions.map((a) => `${a.service}:${a.action}`)).toEqual(['extra:create', 'web:create', 'worker:create']);
    expect(first.resources).toEqual([{ action: 'create', kind: 'network', name: `${NAME}_default` }]);
    expect(first.pulls.sort()).toEqual(projectImages(project));

    const ctx = recordingContext({ expectPlanHash: first.planHash });
    const done = await applyStack(docker, project, ctx);
    expect(done.noop).toBe(false);
    expect(ctx.phases).toContain('Pulling images');
    expect(ctx.pulls.filter((p) => p.done && !p.error).map((p) => p.image).sort()).toEqual(projectImages(project));
    const web = await docker.getContainer((await serviceContainerId(docker, NAME, 'web'))!).inspect();
    expect(web.Name).toBe(`/${NAME}-web-1`);
    expect(web.State.Running).toBe(true);
    expect(web.NetworkSettings.Networks[`${NAME}_default`]?.Aliases).toContain('web');
  });

  it('plans an unchanged stack as a no-op, and applying it changes nothing', async () => {
    const before = await ids();
    const again = await plan(project);
    expect(again.noop).toBe(true);
    expect(again.pulls).toEqual([]);
    const ctx = recordingContext();
    expect((await applyStack(docker, project, ctx)).noop).toBe(true);
    expect(ctx.phases).toEqual(['Planning']);
    expect(await ids()).toEqual(before);
  });

  it('lists the stack as Rackpilot-made with its published port as a link', async () => {
    const found = (await listProjects(docker, { linkHost: '127.0.0.1' })).find((p) => p.name === NAME)!;
    expect(found.createdBy).toBe('rackpilot');
    expect(found.configFiles).toEqual(project.configFiles);
    const web = found.containers.find((c) => c.service === 'web')!;
    expect(web.ports).toHaveLength(1);
    expect(web.ports[0]).toMatchObject({ containerPort: 80, protocol: 'tcp', url: `http://127.0.0.1:${web.ports[0]!.hostPort}` });
  });

  it('recreates only the service whose environment changed', async () => {
    const before = await ids();
    project = load('dev', { extra: true });
    const changed = await plan(project);
    expect(changed.actions.map((a) => `${a.service}:${a.action}`)).toEqual(['extra:keep', 'web:keep', 'worker:recreate']);
    expect(changed.actions[2]!.reasons).toEqual(['config changed: environment']);
    expect(changed.pulls).toEqual([]);

    await applyStack(docker, project, recordingContext({ expectPlanHash: changed.planHash }));
    const after = await ids();
    expect(after.web).toBe(before.web);
    expect(after.worker).not.toBe(before.worker);
    const env = (await docker.getContainer(after.worker!).inspect()).Config.Env;
    expect(env).toContain('MODE=dev');
  });

  it('refuses to apply a plan the engine no longer matches', async () => {
    const seen = await plan(project);
    const edited = load('edited', { extra: true });
    await expect(applyStack(docker, edited, recordingContext({ expectPlanHash: seen.planHash }))).rejects.toMatchObject({ code: 'E_CONFLICT' });
  });

  it('removes the container of a service taken out of the file', async () => {
    project = load('dev');
    const p = await plan(project);
    expect(p.actions.find((a) => a.service === 'extra')).toEqual({
      action: 'remove-orphan',
      service: 'extra',
      container: `${NAME}-extra-1`,
      reasons: ['service extra is no longer in the stack'],
    });
    await applyStack(docker, project, recordingContext());
    expect(await serviceContainerId(docker, NAME, 'extra')).toBeNull();
    expect((await plan(project)).noop).toBe(true);
  });

  it('stops, starts and restarts one service', async () => {
    const state = async () => (await docker.getContainer((await serviceContainerId(docker, NAME, 'worker'))!).inspect()).State;
    await serviceAction(docker, project, 'worker', 'stop');
    expect((await state()).Running).toBe(false);
    const p = await plan(project);
    expect(p.actions.find((a) => a.service === 'worker')).toMatchObject({ action: 'start', reasons: ['stopped (exited)'] });
    await serviceAction(docker, NAME, 'worker', 'start');
    const started = await state();
    expect(started.Running).toBe(true);
    await serviceAction(docker, project, 'worker', 'restart');
    const restarted = await state();
    expect(restarted.Running).toBe(true);
    expect(restarted.StartedAt).not.toBe(started.StartedAt);
    await expect(serviceAction(docker, project, 'nope', 'start')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
