import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker as dockerCli, requireDocker, testImages } from '../../testing/docker';
import { tempDir } from '../../testing/temp-app';
import type { ComposeProject } from '../compose/model';
import { applyStack } from './apply';
import { observeProject } from './discover';
import { downStack } from './down';
import { localImageIds, projectImages } from './images';
import { planStack } from './planner';
import { execIn, loadTestProject, localDocker, recordingContext, removeStack, serviceContainerId, uniqueStackName, untagPulled } from './testing-engine';

const skip = requireDocker();
const docker = localDocker();
const NAME = uniqueStackName('volumes');

describe.skipIf(skip)('volumes across down and up', () => {
  let project: ComposeProject;
  /** The same stack with one environment variable added. */
  let changed: ComposeProject;
  let busybox: string;

  beforeAll(async () => {
    busybox = (await testImages()).busybox;
    const dir = tempDir(`rackpilot-${NAME}-`);
    const yaml = (extraEnv: boolean) =>
      [
        'services:',
        '  store:',
        `    image: ${busybox}`,
        '    init: true',
        '    command: ["sleep", "1d"]',
        ...(extraEnv ? ['    environment:', '      CHANGED: "1"'] : []),
        '    volumes:',
        '      - data:/data',
        '      - /cache',
        'volumes:',
        '  data: {}',
        '',
      ].join('\n');
    project = loadTestProject(NAME, yaml(false), dir).project;
    changed = loadTestProject(NAME, yaml(true), dir).project;
  });
  /** Anonymous volumes a plain down leaves behind (as docker compose's does): removed here. */
  const leftover: string[] = [];
  afterAll(async () => {
    if (skip) return;
    await removeStack(docker, NAME);
    for (const v of leftover) spawnSync('docker', ['volume', 'rm', v], { stdio: 'ignore' });
    untagPulled([busybox]);
  });

  const storeId = async () => (await serviceContainerId(docker, NAME, 'store'))!;

  it('keeps the volume on down and reuses it on the next up', async () => {
    await applyStack(docker, project, recordingContext());
    const volume = JSON.parse(dockerCli(['volume', 'inspect', `${NAME}_data`])) as { Labels: Record<string, string> }[];
    expect(volume[0]!.Labels).toMatchObject({ 'com.docker.compose.project': NAME, 'com.docker.compose.volume': 'data' });
    execIn(await storeId(), 'echo kept > /data/note');
    leftover.push(...(await observeProject(docker, NAME)).containers[0]!.anonymousVolumes.map((v) => v.name));

    const logs: string[] = [];
    expect(await downStack(docker, NAME, { removeVolumes: false, log: (l) => logs.push(l) })).toEqual({ containers: 1, networks: 1, volumes: 0 });
    expect(logs).toContain(`remove network ${NAME}_default`);
    expect(await serviceContainerId(docker, NAME, 'store')).toBeNull();

    const plan = planStack(project, await observeProject(docker, NAME, project), await localImageIds(docker, projectImages(project)));
    expect(plan.resources).toEqual([
      { action: 'create', kind: 'network', name: `${NAME}_default` },
      { action: 'keep', kind: 'volume', name: `${NAME}_data` },
    ]);
    await applyStack(docker, project, recordingContext({ expectPlanHash: plan.planHash }));
    expect(execIn(await storeId(), 'cat /data/note')).toBe('kept');
  });

  it('keeps anonymous volumes across a recreate, like docker compose', async () => {
    const before = await storeId();
    execIn(before, 'echo warm > /cache/state');
    await applyStack(docker, changed, recordingContext());
    const after = await storeId();
    expect(after).not.toBe(before);
    expect(execIn(after, 'cat /cache/state')).toBe('warm');
  });

  it('removes the volume only when asked', async () => {
    const anonymous = (await observeProject(docker, NAME)).containers[0]!.anonymousVolumes.map((v) => v.name);
    expect(anonymous).toHaveLength(1);
    // The anonymous one goes too, as with docker compose down -v.
    expect(await downStack(docker, NAME, { removeVolumes: true, log: () => {} })).toEqual({ containers: 1, networks: 1, volumes: 2 });
    expect(dockerCli(['volume', 'ls', '-q', '--filter', `name=${anonymous[0]}`])).toBe('');
    expect(dockerCli(['volume', 'ls', '-q', '--filter', `name=${NAME}_data`])).toBe('');
  });
});
