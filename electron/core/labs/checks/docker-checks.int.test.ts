/**
 * Container and stack checks against the real Docker Engine on this machine (the `local` engine,
 * reached through the app's EngineConnector as the lab service does), with containers the test
 * starts from a busybox image made by `docker import` (testing/docker.ts): labelled like docker
 * compose labels them, healthy or unhealthy through a real HEALTHCHECK, stopped and restarted.
 * A node whose engine cannot be reached (SSH refused) is an error.
 */
import Dockerode from 'dockerode';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ENGINE } from '../../../../shared/domain/stack';
import { createLogger } from '../../log';
import { createSshService, type SshService } from '../../ssh/ssh-service';
import { EngineConnector } from '../../stacks/docker/engine-connector';
import { docker, requireDocker, testImages, type TestRegistry } from '../../testing/docker';
import { freePort } from '../../testing/sshd';
import { tempDir } from '../../testing/temp-app';
import type { CheckDeps, CheckTarget } from './check-deps';
import { expectError, expectFail, expectPass, inventoryNode, labCheck } from './checks.fixture';
import { runCheck } from './run-check';

const skip = requireDocker();
const IMAGE = 'rackpilot-test/busybox:1';
const P = `rpl${process.pid}`;
const names = { healthy: `${P}-healthy`, sick: `${P}-sick`, stopped: `${P}-stopped` };
const PROJECT = `${P}shop`;

let registry: TestRegistry | null = null;
let ssh: SshService;
let connector: EngineConnector;
let reachedAt: string;

function run(name: string, script: string, opts: { health?: string; labels?: Record<string, string> } = {}): void {
  const health = opts.health ? ['--health-cmd', opts.health, '--health-interval', '1s', '--health-retries', '1'] : [];
  const labels = Object.entries(opts.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  docker(['run', '-d', '--name', name, ...health, ...labels, IMAGE, 'sh', '-c', script]);
}
const service = (s: string) => ({ 'com.docker.compose.project': PROJECT, 'com.docker.compose.service': s });

async function waitForHealth(name: string, want: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (docker(['inspect', '-f', '{{.State.Health.Status}}', name]) === want) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} never became ${want}`);
}

const deps = (): CheckDeps => ({
  ssh,
  docker: async (id, signal) => (await connector.connect(id, signal)).docker,
  clusterStatus: () => Promise.reject(new Error('no cluster here')),
  kubeconfig: () => {
    throw new Error('no cluster here');
  },
});
let unreachable: Awaited<ReturnType<typeof freePort>>;
const target = (extra: Partial<CheckTarget> = {}): CheckTarget => ({
  nodes: {
    web: inventoryNode({ id: LOCAL_ENGINE, address: '127.0.0.1' }),
    far: inventoryNode({ id: 'far', address: '127.0.0.1', port: unreachable, user: 'nobody' }),
  },
  reachedAt,
  bootIds: {},
  ...extra,
});
const check = (fields: Record<string, unknown>, t: CheckTarget = target()) => runCheck(labCheck(fields), t, deps());

describe.skipIf(skip)('container and stack checks (real dockerd)', () => {
  beforeAll(async () => {
    if (spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status !== 0) registry = (await testImages()).registry;
    ssh = createSshService({ dataDir: tempDir(), log: createLogger('error'), readyTimeoutMs: 5000 });
    unreachable = await freePort();
    connector = new EngineConnector({
      ssh,
      log: createLogger('error'),
      targetOf: (id) => ({ nodeId: id, name: id, address: '127.0.0.1', port: unreachable, user: 'nobody', hostKeys: [] }),
    });
    reachedAt = new Date(Date.now() - 60_000).toISOString();
    run(names.healthy, 'touch /tmp/ok; exec sleep 600', { health: 'test -f /tmp/ok' });
    run(names.sick, 'exec sleep 600', { health: 'false' });
    run(names.stopped, 'exit 3');
    run(`${PROJECT}-web-1`, 'touch /tmp/ok; exec sleep 600', { health: 'test -f /tmp/ok', labels: service('web') });
    run(`${PROJECT}-worker-1`, 'exec sleep 600', { labels: service('worker') });
    // A one-off `docker compose run` container that exited: not a service of the stack.
    run(`${PROJECT}-web-run-1`, 'exit 1', { labels: { ...service('web'), 'com.docker.compose.oneoff': 'True' } });
    await waitForHealth(names.healthy, 'healthy');
    await waitForHealth(names.sick, 'unhealthy');
    await waitForHealth(`${PROJECT}-web-1`, 'healthy');
  }, 120_000);

  afterAll(async () => {
    const ids = docker(['ps', '-aq', '--filter', `name=^${P}`]).split('\n').filter(Boolean);
    if (ids.length) docker(['rm', '-f', ...ids]);
    registry?.stop();
    await ssh?.close();
  });

  it('container: passes when running, healthy, from the expected image', async () => {
    const r = await check({ kind: 'container', node: 'web', name: names.healthy, healthy: true, imageMatches: '^rackpilot-test/busybox' });
    expectPass(r, new RegExp(`^Container ${names.healthy}: running \\(healthy\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z, image ${IMAGE}\\.$`));
    expect(r.ran).toBe(`docker inspect ${names.healthy} on local`);
  });

  it('container: fails when missing, stopped, unhealthy or from another image', async () => {
    expectFail(await check({ kind: 'container', node: 'web', name: `${P}-nothing` }), new RegExp(`^There is no container named ${P}-nothing on local\\.$`));
    expectFail(await check({ kind: 'container', node: 'web', name: names.stopped }), /: exited \(code 3\) at .*Not as asked: it is not running\.$/);
    expectPass(await check({ kind: 'container', node: 'web', name: names.stopped, running: false }), /exited \(code 3\)/);
    expectFail(await check({ kind: 'container', node: 'web', name: names.sick, healthy: true }), /running \(unhealthy\).*Not as asked: its health check says unhealthy\.$/);
    expectFail(await check({ kind: 'container', node: 'web', name: names.healthy, imageMatches: '^nginx' }), /Not as asked: its image rackpilot-test\/busybox:1 does not match \/\^nginx\/\.$/);
  });

  it('container: startedSinceStep fails until the container is restarted after the step was reached', async () => {
    const now = target({ reachedAt: new Date().toISOString() });
    const fields = { kind: 'container', node: 'web', name: names.sick, startedSinceStep: true };
    expectFail(await check(fields, now), /it was started before you reached this step .* so it was not restarted since\.$/);
    docker(['restart', '-t', '0', names.sick]);
    expectPass(await check(fields, now), /running/);
    expectError(await check(fields, target({ reachedAt: null })), /no record of when you reached this step/);
  });

  it('stack: passes when every service of the compose project runs, ignoring one-off containers', async () => {
    const r = await check({ kind: 'stack', node: 'web', project: PROJECT });
    expectPass(r, new RegExp(`^Project ${PROJECT} on local:\\nweb \\(${PROJECT}-web-1\\): running \\(healthy\\) since [^\\n]+\\.\\nworker \\(${PROJECT}-worker-1\\): running since [^\\n]+\\.$`));
    expect(r.ran).toBe(`docker ps for compose project ${PROJECT} on local`);
    expectPass(await check({ kind: 'stack', node: 'web', project: PROJECT, services: ['web'], healthy: true }));
  });

  it('stack: fails on a missing project or service, a service without health, and a stopped service', async () => {
    expectFail(await check({ kind: 'stack', node: 'web', project: `${P}nothing` }), new RegExp(`^There are no containers of compose project ${P}nothing on local\\.$`));
    expectFail(await check({ kind: 'stack', node: 'web', project: PROJECT, services: ['web', 'db'] }), /\ndb: no container\.$/);
    expectFail(await check({ kind: 'stack', node: 'web', project: PROJECT, healthy: true }), /\nworker \([^)]+\): running since [^\n]+ — it has no health check\.$/);
    docker(['stop', '-t', '0', `${PROJECT}-worker-1`]);
    expectFail(await check({ kind: 'stack', node: 'web', project: PROJECT }), /\nworker \([^)]+\): exited \(code \d+\) at [^\n]+ — it is not running\.$/);
    docker(['start', `${PROJECT}-worker-1`]);
    expectPass(await check({ kind: 'stack', node: 'web', project: PROJECT, startedSinceStep: true }));
    expectFail(await check({ kind: 'stack', node: 'web', project: PROJECT, startedSinceStep: true }, target({ reachedAt: new Date(Date.now() + 60_000).toISOString() })), /web \([^)]+\): .* — it was started before you reached this step/);
  });

  it('is an error when the node’s engine cannot be reached, with the hint and what to do', async () => {
    const far = await check({ kind: 'container', node: 'far', name: names.healthy });
    expectError(far, new RegExp(`Docker on far could not be reached: .*127\\.0\\.0\\.1:${unreachable}`), /Make sure Docker runs on far/);
    expectError(await check({ kind: 'stack', node: 'far', project: PROJECT }), /Docker on far could not be reached/);
    // The engine went away after it was reached: its socket is gone.
    const gone = new Dockerode({ socketPath: `${tempDir()}/docker.sock` });
    const r = await runCheck(labCheck({ kind: 'container', node: 'web', name: names.healthy }), target(), { ...deps(), docker: () => Promise.resolve(gone) });
    expectError(r, new RegExp(`Docker did not say how container ${names.healthy} is: .*ENOENT`));
  });
});
