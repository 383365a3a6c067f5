/**
 * Stacks at their edges, through the RPC as the UI drives them, on the real engine: bad input
 * gets a clear error and loses nothing. YAML anchors and merge keys, a second YAML document,
 * cycles and missing env_files, secrets kept out of issue messages, a host port already taken,
 * label/port/name changes and orphans, a missing external volume, pulls that fail or hang,
 * Cancel mid-pull and mid-health-wait, remove while a deploy runs, empty logs and stats, a
 * relative bind mount, a node deleted while it has stacks, and an env_file missing on a node.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import type { ImagePullProgress, StackFiles } from '../../../shared/domain/stack';
import { ErrorCode } from '../../../shared/errors';
import { checkComposeSpec } from '../testing/compose-schema';
import { docker as dockerCli, requireDocker, testImages, type TestImages } from '../testing/docker';
import { rejection } from '../testing/rejection';
import { createTestUser, freePort, startSshd, type TestSshd, type TestUser } from '../testing/sshd';
import { createTempApp, type TempApp } from '../testing/temp-app';
import { localDocker, removeStack, untagPulled } from './engine/testing-engine';
import { MASK } from './secrets';

const skip = requireDocker();
const stackName = (purpose: string) => `rpt-edge${purpose}-${process.pid}`;
const used = new Set<string>();
const named = (purpose: string) => {
  const n = stackName(purpose);
  used.add(n);
  return n;
};

let t: TempApp;
let images: TestImages;
/** A "registry" that accepts connections and never answers: a pull that hangs. */
let hanging: Server;
let hangingPort = 0;
const hangingSockets: Socket[] = [];
const pulls: ImagePullProgress[] = [];

beforeAll(async () => {
  if (skip) return;
  t = createTempApp();
  images = await testImages();
  t.client.subscribe('stacks.pull', (p) => pulls.push(p));
  hangingPort = await freePort();
  hanging = createServer((s) => hangingSockets.push(s));
  await new Promise<void>((resolve) => hanging.listen(hangingPort, '127.0.0.1', resolve));
}, 120_000);

afterAll(async () => {
  if (skip) return;
  await t?.close();
  for (const s of hangingSockets) s.destroy();
  hanging?.close();
  for (const name of used) await removeStack(localDocker(), name);
  if (images) untagPulled([images.busybox]);
}, 60_000);

function files(compose: string, extra: Partial<StackFiles> = {}): StackFiles {
  return { compose, overrides: [], env: '', variables: {}, profiles: [], ...extra };
}

/** Saves a compose file the compose spec accepts (so docker compose would take it too). */
async function save(name: string, compose: string, extra: Partial<StackFiles> = {}, nodeId = 'local') {
  expect(checkComposeSpec(compose).errors).toEqual([]);
  return t.client.call('stacks.save', { nodeId, name, files: files(compose, extra) });
}

async function finished(id: string): Promise<Job> {
  for (;;) {
    const job = await t.client.call('jobs.get', { id });
    if (FINISHED_JOB_STATES.includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function apply(name: string, nodeId = 'local'): Promise<Job> {
  return finished((await t.client.call('stacks.apply', { nodeId, name })).id);
}

async function jobLog(id: string): Promise<string> {
  return (await t.client.call('jobs.logs', { id, limit: 5000 })).map((l) => l.line).join('\n');
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** name → state of the stack's containers, from the docker CLI (what a user on the node sees). */
function containers(stack: string): Record<string, string> {
  const out = dockerCli(['ps', '-a', '--filter', `label=com.docker.compose.project=${stack}`, '--format', '{{.Names}} {{.State}}']);
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

const sleeper = (image: string, extra: string[] = []) => [`    image: ${image}`, '    init: true', '    command: ["sleep", "1d"]', ...extra];

describe.skipIf(skip)('stack files at their edges', () => {
  it('deploys a file built from anchors, aliases, merge keys and x- fields, then plans a no-op', async () => {
    const name = named('anchor');
    const compose = [
      'x-common: &common',
      ...sleeper(images.busybox).map((l) => l.slice(2)),
      '  labels: &labels',
      '    team: infra',
      'x-env: &env',
      '  MODE: edge',
      'services:',
      '  one:',
      '    <<: *common',
      '    environment: *env',
      '  two:',
      '    <<: *common',
      '    labels:',
      '      <<: *labels',
      '      role: two',
      '',
    ].join('\n');
    expect((await save(name, compose)).issues).toEqual([]);
    expect((await apply(name)).state).toBe('succeeded');
    const labels = JSON.parse(dockerCli(['inspect', '--format', '{{json .Config.Labels}}', `${name}-two-1`])) as Record<string, string>;
    expect(labels).toMatchObject({ team: 'infra', role: 'two' });
    expect(dockerCli(['inspect', '--format', '{{json .Config.Env}}', `${name}-one-1`])).toContain('MODE=edge');
    expect((await t.client.call('stacks.plan', { nodeId: 'local', name })).noop).toBe(true);
  });

  it('names a second YAML document and tab indentation in plain words, at their lines', async () => {
    const multi = await t.client.call('stacks.validate', { files: files('services:\n  a:\n    image: busybox\n---\nservices:\n  b:\n    image: busybox\n') });
    expect(multi.issues).toEqual([expect.objectContaining({ severity: 'error', line: 4, message: expect.stringContaining('second YAML document') })]);
    expect(multi.issues[0]!.message).not.toMatch(/parseAllDocuments/);
    const tabs = await t.client.call('stacks.validate', { files: files('services:\n  a:\n\timage: busybox\n') });
    expect(tabs.issues).toEqual([expect.objectContaining({ severity: 'error', line: 3, message: expect.stringMatching(/Tabs/) })]);
  });

  it('gives a depends_on cycle and a missing env_file as issues, and plan refuses them in one sentence', async () => {
    const cycle = named('cycle');
    const c = ['services:', '  a:', ...sleeper(images.busybox), '    depends_on: [b]', '  b:', ...sleeper(images.busybox), '    depends_on: [a]', ''].join('\n');
    expect((await save(cycle, c)).issues).toEqual([expect.objectContaining({ severity: 'error', path: 'services.a', line: 2, message: expect.stringContaining('a → b → a') })]);
    const refused = await rejection(t.client.call('stacks.plan', { nodeId: 'local', name: cycle }));
    expect(refused.code).toBe(ErrorCode.Validation);
    expect(refused.message).toContain('a → b → a');
    expect(refused.message).not.toContain('..');

    const envFile = named('envfile');
    const e = ['services:', '  a:', ...sleeper(images.busybox), '    env_file: ./app.env', ''].join('\n');
    expect((await save(envFile, e)).issues).toEqual([expect.objectContaining({ severity: 'error', path: 'services.a.env_file', line: 6, message: expect.stringContaining('./app.env') })]);
    expect((await rejection(t.client.call('stacks.plan', { nodeId: 'local', name: envFile }))).message).toContain('app.env');
    for (const n of [cycle, envFile]) await t.client.call('stacks.remove', { nodeId: 'local', name: n, confirmName: n });
  });

  it('keeps secret values out of issue messages and plan errors, and gives them back only as the stack\'s variables', async () => {
    const name = named('secret');
    const password = `pw${Math.random().toString(36).slice(2, 12)}`;
    // A password pasted where a port belongs: the issue would quote the interpolated value.
    const compose = ['services:', '  a:', ...sleeper(images.busybox), '    ports:', '      - "${DB_PASSWORD}:80"', ''].join('\n');
    expect(checkComposeSpec(compose).errors).toEqual([]);
    const detail = await t.client.call('stacks.save', { nodeId: 'local', name, files: files(compose, { variables: { DB_PASSWORD: password } }) });
    expect(detail.issues).toEqual([expect.objectContaining({ severity: 'error', path: 'services.a.ports[0]', message: expect.stringContaining(MASK) })]);
    expect(JSON.stringify(detail.issues)).not.toContain(password);
    expect(detail.files?.variables).toEqual({ DB_PASSWORD: password }); // the editor needs it (and masks it)
    const plan = await rejection(t.client.call('stacks.plan', { nodeId: 'local', name }));
    expect(plan.message).toContain(MASK);
    expect(JSON.stringify(plan)).not.toContain(password);
    const job = await apply(name);
    expect(job.state).toBe('failed');
    expect(JSON.stringify(job) + (await jobLog(job.id))).not.toContain(password);
    const validated = await t.client.call('stacks.validate', { files: files(compose, { env: `DB_PASSWORD=${password}\n` }) });
    expect(JSON.stringify(validated)).not.toContain(password);
    expect(JSON.stringify(await t.client.call('events.list', { limit: 1000 }))).not.toContain(password);
  });
});

describe.skipIf(skip)('changing a running stack', () => {
  it('fails on a host port in use naming the port and what to do, stays consistent, and converges once it is free', async () => {
    const name = named('port');
    const port = await freePort();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    const compose = (web: string, p: number, tier: string) =>
      ['services:', `  ${web}:`, ...sleeper(images.busybox), '    labels:', `      tier: ${tier}`, '    ports:', `      - "127.0.0.1:${p}:80"`, '  side:', ...sleeper(images.busybox), ''].join('\n');
    await save(name, compose('web', port, 'a'));
    const failed = await apply(name);
    taken.close();
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toContain(`host port ${port} on 127.0.0.1 is already in use by another program`);
    expect(failed.error?.message).toMatch(/Stop what uses port \d+, or publish the service on another host port/);
    // Nothing half-made is lost track of: the other service runs, the web container waits to start.
    expect(containers(name)).toEqual({ [`${name}-web-1`]: 'created', [`${name}-side-1`]: 'running' });
    const plan = await t.client.call('stacks.plan', { nodeId: 'local', name });
    expect(plan.actions.map((a) => [a.service, a.action])).toEqual([
      ['side', 'keep'],
      ['web', 'start'],
    ]);
    expect((await apply(name)).state).toBe('succeeded');
    expect((await t.client.call('stacks.plan', { nodeId: 'local', name })).noop).toBe(true);

    const sideId = dockerCli(['inspect', '--format', '{{.Id}}', `${name}-side-1`]);
    const changes: [string, string][] = [];
    const step = async (compose: string) => {
      await save(name, compose);
      const p = await t.client.call('stacks.plan', { nodeId: 'local', name });
      changes.push(...p.actions.filter((a) => a.action !== 'keep').map((a): [string, string] => [a.service, `${a.action} ${a.reasons.join('; ')}`.trim()]));
      expect((await finished((await t.client.call('stacks.apply', { nodeId: 'local', name, planHash: p.planHash })).id)).state).toBe('succeeded');
    };
    const port2 = await freePort();
    await step(compose('web', port, 'b')); // a label only
    await step(compose('web', port2, 'b')); // a port only
    await step(compose('www', port2, 'b')); // a rename, keeping the host port
    await step(['services:', '  side:', ...sleeper(images.busybox), ''].join('\n')); // a service removed
    expect(changes).toEqual([
      ['web', 'recreate config changed: labels'],
      ['web', 'recreate config changed: ports'],
      ['www', 'create'],
      ['web', 'remove-orphan service web is no longer in the stack'],
      ['www', 'remove-orphan service www is no longer in the stack'],
    ]);
    expect(containers(name)).toEqual({ [`${name}-side-1`]: 'running' });
    expect(dockerCli(['inspect', '--format', '{{.Id}}', `${name}-side-1`])).toBe(sideId);
  }, 60_000);

  it('shows a missing external volume in the plan, and apply refuses naming it, creating nothing', async () => {
    const name = named('extvol');
    const volume = `rpt-edge-absent-${process.pid}`;
    await save(name, ['services:', '  a:', ...sleeper(images.busybox), '    volumes:', '      - data:/data', 'volumes:', '  data:', '    external: true', `    name: ${volume}`, ''].join('\n'));
    const plan = await t.client.call('stacks.plan', { nodeId: 'local', name });
    expect(plan.resources).toContainEqual({ action: 'missing-external', kind: 'volume', name: volume });
    const job = await apply(name);
    expect(job.error).toMatchObject({ code: ErrorCode.NotFound, message: expect.stringContaining(`docker volume create ${volume}`) });
    expect(containers(name)).toEqual({});
    expect(spawnSync('docker', ['network', 'inspect', `${name}_default`]).status).not.toBe(0);
  });

  it('fails an unhealthy dependency quickly, naming it, without creating its dependents', async () => {
    const name = named('sick');
    const health = ['    healthcheck:', '      test: ["CMD", "false"]', '      interval: 1s', '      timeout: 1s', '      retries: 1'];
    await save(name, ['services:', '  db:', ...sleeper(images.busybox, health), '  app:', ...sleeper(images.busybox), '    depends_on:', '      db:', '        condition: service_healthy', ''].join('\n'));
    const job = await apply(name);
    expect(job.error).toMatchObject({ code: 'E_DEPENDENCY', message: expect.stringMatching(/^Service db is unhealthy/) });
    expect(Object.keys(containers(name))).toEqual([`${name}-db-1`]);
  });

  it('mounts a relative bind path from the stack\'s folder on the local engine', async () => {
    const name = named('bind');
    await save(name, ['services:', '  a:', ...sleeper(images.busybox), '    volumes:', '      - ./site:/site:ro', ''].join('\n'));
    expect((await apply(name)).state).toBe('succeeded');
    const binds = JSON.parse(dockerCli(['inspect', '--format', '{{json .HostConfig.Binds}}', `${name}-a-1`])) as string[];
    expect(binds).toEqual([`${join(t.dir, 'stacks', 'local', name, 'site')}:/site:ro`]);
  });
});

describe.skipIf(skip)('pulls and Cancel', () => {
  const hangingImage = () => `127.0.0.1:${hangingPort}/rackpilot-test/never:1`;
  const lastPull = (jobId: string, image: string) => pulls.filter((p) => p.jobId === jobId && p.image === image).at(-1);

  it('a failed pull stops the pulls beside it: every progress bar ends with the job', async () => {
    const name = named('pullfail');
    const missing = `${images.registry.host}/rackpilot-test/absent-${process.pid}:1`;
    await save(name, ['services:', '  a:', `    image: ${missing}`, '  b:', `    image: ${hangingImage()}`, ''].join('\n'));
    const job = await apply(name);
    expect(job.error).toMatchObject({ code: 'E_IMAGE_PULL', message: expect.stringContaining(missing) });
    expect(lastPull(job.id, missing)).toMatchObject({ done: true, error: expect.stringContaining('not found') });
    expect(lastPull(job.id, hangingImage())).toMatchObject({ done: true, error: 'cancelled' });
  });

  it('cancels mid-pull: the job ends cancelled, the bar ends, and the next apply converges', async () => {
    const name = named('pullcancel');
    await save(name, ['services:', '  a:', `    image: ${hangingImage()}`, '  b:', ...sleeper(images.busybox), ''].join('\n'));
    const started = await t.client.call('stacks.apply', { nodeId: 'local', name });
    await until('the pull to start', async () => (await jobLog(started.id)).split('\n').includes(`pull ${hangingImage()}`));
    await until('the engine to reach the registry', () => hangingSockets.length > 0);
    await t.client.call('jobs.cancel', { id: started.id });
    const job = await finished(started.id);
    expect(job).toMatchObject({ state: 'cancelled', phase: 'Pulling images' });
    expect(lastPull(job.id, hangingImage())).toMatchObject({ done: true, error: 'cancelled' });
    expect(containers(name)).toEqual({});

    await save(name, ['services:', '  b:', ...sleeper(images.busybox), ''].join('\n'));
    expect((await apply(name)).state).toBe('succeeded');
    expect(containers(name)).toEqual({ [`${name}-b-1`]: 'running' });
  });

  it('cancels mid-health-wait; meanwhile a second apply and remove are refused; the next apply converges', async () => {
    const name = named('healthwait');
    const compose = (interval: string) =>
      [
        'services:',
        '  db:',
        ...sleeper(images.busybox, ['    healthcheck:', '      test: ["CMD", "true"]', `      interval: ${interval}`]),
        '  app:',
        ...sleeper(images.busybox),
        '    depends_on:',
        '      db:',
        '        condition: service_healthy',
        '',
      ].join('\n');
    await save(name, compose('1h')); // the first check runs in an hour: "starting" until then
    const started = await t.client.call('stacks.apply', { nodeId: 'local', name });
    await until('the wait for db', async () => (await jobLog(started.id)).includes('app: waiting for db'));
    expect((await rejection(t.client.call('stacks.apply', { nodeId: 'local', name }))).code).toBe(ErrorCode.Conflict);
    const removal = await rejection(t.client.call('stacks.remove', { nodeId: 'local', name, confirmName: name }));
    expect(removal).toMatchObject({ code: ErrorCode.Conflict, message: expect.stringContaining(started.id) });
    expect((await t.client.call('stacks.get', { nodeId: 'local', name })).files).not.toBeNull();
    await t.client.call('jobs.cancel', { id: started.id });
    expect(await finished(started.id)).toMatchObject({ state: 'cancelled', phase: 'Starting services' });

    await save(name, compose('1s'));
    const job = await apply(name);
    expect(job.state).toBe('succeeded');
    expect(containers(name)).toEqual({ [`${name}-db-1`]: 'running', [`${name}-app-1`]: 'running' });
    expect((await t.client.call('stacks.get', { nodeId: 'local', name })).versions.map((v) => v.version)).toEqual([1]);
  });
});

describe.skipIf(skip)('watching and nodes', () => {
  it('reads empty logs and stats for a stack with no containers, and no stats for stopped ones', async () => {
    const name = named('quiet');
    await save(name, ['services:', '  a:', ...sleeper(images.busybox), ''].join('\n'));
    expect(await t.client.call('stacks.logs', { nodeId: 'local', name, follow: false })).toBeNull();
    expect(await t.client.call('stacks.logs', { nodeId: 'local', name, follow: true })).toBeNull();
    expect(await t.client.call('stacks.stats', { nodeId: 'local', name })).toEqual([]);
    expect((await apply(name)).state).toBe('succeeded');
    expect((await t.client.call('stacks.service', { nodeId: 'local', name, service: 'a', action: 'stop' })).state).toBe('stopped');
    expect(await t.client.call('stacks.stats', { nodeId: 'local', name })).toEqual([]);
  });

  describe('over SSH', () => {
    let sshd: TestSshd;
    let user: TestUser;
    beforeAll(async () => {
      user = createTestUser('none');
      const usermod = spawnSync('usermod', ['-aG', 'docker', user.name]);
      if (usermod.status !== 0) throw new Error(`usermod failed: ${usermod.stderr.toString()}`);
      sshd = await startSshd({ authorizedKeys: { [user.name]: [t.app.services.ssh.publicKey!.authorizedKey] } });
    }, 60_000);
    afterAll(async () => {
      await sshd?.stop();
      user?.remove();
    });

    it('plans an env_file missing on the node as an error giving its path there; deleting the node leaves its stacks unreachable, said plainly', async () => {
      const hex = (process.pid % 256).toString(16).padStart(2, '0');
      const node = await t.client.call('nodes.create', { name: `edge-${process.pid}`, mac: `52:54:00:ed:${hex}:01`, address: '127.0.0.1', sshPort: sshd.port, sshUser: user.name, role: 'worker' });
      await t.client.call('nodes.acceptHostKey', { id: node.id, fingerprint: sshd.hostKey.fingerprint });
      const name = named('nodeenv');
      const saved = await save(name, ['services:', '  a:', ...sleeper(images.busybox), '    env_file: ./app.env', ''].join('\n'), {}, node.id);
      expect(saved.issues).toEqual([]); // the node's files are read when planning
      const refused = await rejection(t.client.call('stacks.plan', { nodeId: node.id, name }));
      expect(refused.code).toBe(ErrorCode.Validation);
      expect(refused.message).toContain(`/home/${user.name}/rackpilot/stacks/${name}/app.env`);

      await t.client.call('nodes.remove', { id: node.id });
      const gone = await rejection(t.client.call('stacks.list', { nodeId: node.id }));
      expect(gone).toMatchObject({ code: ErrorCode.NotFound, message: expect.stringContaining('removed') });
      expect((await rejection(t.client.call('stacks.apply', { nodeId: node.id, name }))).code).toBe(ErrorCode.NotFound);
    });
  });
});
