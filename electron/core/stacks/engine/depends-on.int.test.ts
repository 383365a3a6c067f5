import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, testImages } from '../../testing/docker';
import { applyStack } from './apply';
import { observeProject } from './discover';
import { localImageIds, projectImages } from './images';
import { planStack } from './planner';
import { loadTestProject, localDocker, recordingContext, removeStack, serviceContainerId, uniqueStackName, untagPulled } from './testing-engine';

const skip = requireDocker();
const docker = localDocker();
const names = { healthy: uniqueStackName('dep-healthy'), unhealthy: uniqueStackName('dep-unhealthy'), jobs: uniqueStackName('dep-jobs'), cancel: uniqueStackName('dep-cancel') };

/** One busybox service of a test compose file (init: true so `sleep` stops at once). */
interface TestService {
  script: string;
  /** CMD-SHELL healthcheck run every 300 ms. */
  health?: { test: string; retries: number };
  dependsOn?: [string, 'service_healthy' | 'service_completed_successfully'];
}

describe.skipIf(skip)('depends_on conditions on the local engine', () => {
  let busybox: string;
  const load = (name: string, services: Record<string, TestService>) => {
    const lines = ['services:'];
    for (const [svc, t] of Object.entries(services)) {
      lines.push(`  ${svc}:`, `    image: ${busybox}`, '    init: true', `    command: ${JSON.stringify(['sh', '-c', t.script])}`);
      if (t.health)
        lines.push('    healthcheck:', `      test: ${JSON.stringify(['CMD-SHELL', t.health.test])}`, '      interval: 300ms', '      timeout: 2s', `      retries: ${t.health.retries}`);
      if (t.dependsOn) lines.push('    depends_on:', `      ${t.dependsOn[0]}:`, `        condition: ${t.dependsOn[1]}`);
    }
    return loadTestProject(name, [...lines, ''].join('\n')).project;
  };

  beforeAll(async () => {
    busybox = (await testImages()).busybox;
  });
  afterAll(async () => {
    if (skip) return;
    for (const n of Object.values(names)) await removeStack(docker, n);
    untagPulled([busybox]);
  });

  it('starts a dependent only after its dependency is healthy', async () => {
    const project = load(names.healthy, {
      db: { script: 'sleep 2; touch /tmp/ready; exec sleep 1d', health: { test: 'test -f /tmp/ready', retries: 30 } },
      app: { script: 'exec sleep 1d', dependsOn: ['db', 'service_healthy'] },
    });
    const ctx = recordingContext();
    await applyStack(docker, project, ctx);
    expect(ctx.logs).toContain('app: waiting for db (service_healthy)');
    const db = await docker.getContainer((await serviceContainerId(docker, names.healthy, 'db'))!).inspect();
    const app = await docker.getContainer((await serviceContainerId(docker, names.healthy, 'app'))!).inspect();
    expect(db.State.Health?.Status).toBe('healthy');
    const firstPass = db.State.Health!.Log.find((l) => l.ExitCode === 0)!;
    expect(Date.parse(app.State.StartedAt)).toBeGreaterThanOrEqual(Date.parse(firstPass.End));
  });

  it('fails naming the unhealthy service and its last check output, leaving dependents uncreated', async () => {
    const project = load(names.unhealthy, {
      db: { script: 'exec sleep 1d', health: { test: 'echo "db not ready yet"; exit 1', retries: 2 } },
      app: { script: 'exec sleep 1d', dependsOn: ['db', 'service_healthy'] },
    });
    const err = await applyStack(docker, project, recordingContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DEPENDENCY' });
    expect((err as Error).message).toMatch(/^Service db is unhealthy \(exit 1: db not ready yet\)/);
    expect(await serviceContainerId(docker, names.unhealthy, 'app')).toBeNull();
  });

  it('waits for one-shot jobs to complete, and fails on a non-zero exit', async () => {
    const jobs = (migrate: string) =>
      load(names.jobs, {
        migrate: { script: migrate },
        app: { script: 'exec sleep 1d', dependsOn: ['migrate', 'service_completed_successfully'] },
      });
    const project = jobs('sleep 1; exit 0');
    await applyStack(docker, project, recordingContext());
    expect(await serviceContainerId(docker, names.jobs, 'app')).not.toBeNull();
    // A completed job is kept, not run again: the stack plans as a no-op.
    const observed = await observeProject(docker, names.jobs, project);
    expect(planStack(project, observed, await localImageIds(docker, projectImages(project))).noop).toBe(true);

    await expect(applyStack(docker, jobs('exit 3'), recordingContext())).rejects.toThrow(
      /^Service migrate exited with code 3, but others wait for it to complete successfully/,
    );
  });

  it('stops at Cancel while waiting, and a later plan picks up where it stopped', async () => {
    const project = load(names.cancel, {
      slow: { script: 'exec sleep 1d', health: { test: 'exit 1', retries: 1000 } },
      app: { script: 'exec sleep 1d', dependsOn: ['slow', 'service_healthy'] },
    });
    const controller = new AbortController();
    const ctx = recordingContext({ signal: controller.signal });
    const applying = applyStack(docker, project, ctx);
    // Cancel once the apply is waiting on the healthcheck.
    while (!ctx.logs.includes('app: waiting for slow (service_healthy)')) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(applying).rejects.toMatchObject({ name: 'AbortError' });
    const plan = planStack(project, await observeProject(docker, names.cancel, project), await localImageIds(docker, projectImages(project)));
    expect(plan.actions.map((a) => `${a.service}:${a.action}`)).toEqual(['slow:keep', 'app:create']);
  });
});
