import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, testImages } from '../../testing/docker';
import type { ComposeProject } from '../compose/model';
import { applyStack } from './apply';
import { listProjects, observeProject } from './discover';
import { downStack } from './down';
import { localImageIds, projectImages } from './images';
import { planStack } from './planner';
import { loadTestProject, localDocker, recordingContext, removeStack, uniqueStackName, untagPulled } from './testing-engine';

const skip = requireDocker();
const docker = localDocker();
const OURS = uniqueStackName('interop-ours');
const THEIRS = uniqueStackName('interop-theirs');

/** Runs docker-compose 1.29 as a user on the node would. */
function compose(project: string, file: string, args: string[]): string {
  const r = spawnSync('/usr/bin/docker-compose', ['-p', project, '-f', file, ...args], { encoding: 'utf8', cwd: join(file, '..') });
  if (r.status !== 0) throw new Error(`docker-compose ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** The stack's compose file, written for docker-compose and loaded by Rackpilot. */
function stackFiles(name: string, images: { busybox: string; web: string }): { file: string; project: ComposeProject } {
  const yaml = [
    'services:',
    '  web:',
    `    image: ${images.web}`,
    '    init: true',
    '    ports:',
    '      - "80"',
    '  worker:',
    `    image: ${images.busybox}`,
    '    init: true',
    '    command: ["sleep", "1d"]',
    '    environment:',
    '      MODE: prod',
    '',
  ].join('\n');
  return loadTestProject(name, yaml);
}

describe.skipIf(skip)('interop with docker-compose 1.29', () => {
  let images: { busybox: string; web: string };
  beforeAll(async () => {
    images = await testImages();
  });
  afterAll(async () => {
    if (skip) return;
    await removeStack(docker, OURS);
    await removeStack(docker, THEIRS);
    untagPulled([images.busybox, images.web]);
  });

  it('docker-compose ps lists the containers Rackpilot made, and its down takes them down', async () => {
    const { file, project } = stackFiles(OURS, images);
    await applyStack(docker, project, recordingContext());
    const ps = compose(OURS, file, ['ps']);
    expect(ps).toMatch(new RegExp(`${OURS}-web-1 .* Up `));
    expect(ps).toMatch(new RegExp(`${OURS}-worker-1 .* Up `));
    const ids = compose(OURS, file, ['ps', '-q']).trim().split('\n').sort();
    const ours = (await observeProject(docker, OURS)).containers.map((c) => c.id).sort();
    expect(ids).toEqual(ours);

    compose(OURS, file, ['down']);
    expect((await listProjects(docker, { linkHost: '127.0.0.1' })).some((p) => p.name === OURS)).toBe(false);
    expect((await observeProject(docker, OURS)).networks).toEqual([]);
  });

  it('finds a stack docker-compose started, plans its adoption, applies it and takes it down', async () => {
    const { file, project } = stackFiles(THEIRS, images);
    spawnSync('/usr/bin/docker-compose', ['-p', THEIRS, '-f', file, 'pull', '-q'], { stdio: 'ignore' });
    compose(THEIRS, file, ['up', '-d']);

    const found = (await listProjects(docker, { linkHost: '127.0.0.1' })).find((p) => p.name === THEIRS)!;
    expect(found.createdBy).toBe('docker-compose');
    expect(found.workingDir).toBe(project.workingDir);
    expect(found.containers.map((c) => c.name)).toEqual([`${THEIRS}_web_1`, `${THEIRS}_worker_1`]);

    const plan = planStack(project, await observeProject(docker, THEIRS, project), await localImageIds(docker, projectImages(project)));
    expect(plan.resources).toEqual([{ action: 'keep', kind: 'network', name: `${THEIRS}_default` }]);
    expect(plan.pulls).toEqual([]);
    expect(plan.actions.map((a) => [a.action, a.container, a.reasons])).toEqual([
      ['recreate', `${THEIRS}_web_1`, ['config changed: created by docker-compose, whose config hash Rackpilot cannot compare']],
      ['recreate', `${THEIRS}_worker_1`, ['config changed: created by docker-compose, whose config hash Rackpilot cannot compare']],
    ]);

    // Adopted: Rackpilot's containers now, still listed by docker-compose, and a no-op from here on.
    await applyStack(docker, project, recordingContext({ expectPlanHash: plan.planHash }));
    expect((await listProjects(docker, { linkHost: '127.0.0.1' })).find((p) => p.name === THEIRS)!.createdBy).toBe('rackpilot');
    expect(compose(THEIRS, file, ['ps'])).toMatch(new RegExp(`${THEIRS}-worker-1 .* Up `));
    expect(planStack(project, await observeProject(docker, THEIRS, project), await localImageIds(docker, projectImages(project))).noop).toBe(true);

    expect(await downStack(docker, THEIRS, { removeVolumes: false, log: () => {} })).toEqual({ containers: 2, networks: 1, volumes: 0 });
    expect(compose(THEIRS, file, ['ps', '-q']).trim()).toBe('');
  });

  it('takes down a stack docker-compose started without adopting it first', async () => {
    const { file } = stackFiles(THEIRS, images);
    compose(THEIRS, file, ['up', '-d']);
    expect(await downStack(docker, THEIRS, { removeVolumes: false, log: () => {} })).toEqual({ containers: 2, networks: 1, volumes: 0 });
    expect(compose(THEIRS, file, ['ps', '-q']).trim()).toBe('');
    expect((await observeProject(docker, THEIRS)).networks).toEqual([]);
  });
});
