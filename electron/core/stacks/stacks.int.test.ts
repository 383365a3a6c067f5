/**
 * Stacks end to end through the RPC, as the UI drives them, against the real Docker Engine on
 * this machine ('local') and — over a real OpenSSH sshd — as a node: save, plan, apply (a job),
 * list with port links, change one variable (only that service is recreated), no-op apply,
 * rollback, down keeping the volume, precise issues for bad files, secrets kept out of logs, an
 * unreachable node failing cleanly, and the files mirrored to the node for `docker-compose`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import type { Node } from '../../../shared/domain/node';
import type { ImagePullProgress, StackFiles, StackLogLine } from '../../../shared/domain/stack';
import { ErrorCode, type RackpilotError } from '../../../shared/errors';
import { checkComposeSpec } from '../testing/compose-schema';
import { docker as dockerCli, requireDocker, testImages, type TestImages } from '../testing/docker';
import { rejection } from '../testing/rejection';
import { createTestUser, freePort, startSshd, type TestSshd, type TestUser } from '../testing/sshd';
import { createTempApp, type TempApp } from '../testing/temp-app';
import { localDocker, removeStack, untagPulled } from './engine/testing-engine';

const skip = requireDocker();
const NAME = `rpt-stk-${process.pid}`;
const SECRET_NAME = `rpt-stksec-${process.pid}`;
const SSH_NAME = `rpt-stkssh-${process.pid}`;
const ALL = [NAME, SECRET_NAME, SSH_NAME];
const DB_PASSWORD = `pw${Math.random().toString(36).slice(2, 12)}`;

let t: TempApp;
let images: TestImages;
const pulls: ImagePullProgress[] = [];
const changed: string[] = [];

const COMPOSE = [
  'services:',
  '  web:',
  '    image: ${WEB_IMAGE}',
  '    init: true',
  '    ports:',
  '      - "127.0.0.1::80"',
  '    environment:',
  '      GREETING: ${GREETING}',
  '    volumes:',
  '      - data:/data',
  '  worker:',
  '    image: ${BUSYBOX_IMAGE}',
  '    init: true',
  '    command: ["sh", "-c", "echo worker up; exec sleep 1d"]',
  '    environment:',
  '      DB_URL: postgres://app:${DB_PASSWORD}@db/app',
  'volumes:',
  '  data:',
  '',
].join('\n');

function files(greeting: string): StackFiles {
  return {
    compose: COMPOSE,
    overrides: [],
    env: `WEB_IMAGE=${images.web}\nBUSYBOX_IMAGE=${images.busybox}\nGREETING=${greeting}\n`,
    variables: { DB_PASSWORD },
    profiles: [],
  };
}

const hex = (n: number) => n.toString(16).padStart(2, '0');

async function finished(id: string): Promise<Job> {
  for (;;) {
    const job = await t.client.call('jobs.get', { id });
    if (FINISHED_JOB_STATES.includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function jobLog(id: string): Promise<string> {
  return (await t.client.call('jobs.logs', { id, limit: 5000 })).map((l) => l.line).join('\n');
}

async function collectLogs(opts: { follow: boolean; signal?: AbortSignal; onFirst?: () => void }) {
  const lines: StackLogLine[] = [];
  let result: null | undefined;
  let error: RackpilotError | null = null;
  try {
    result = await t.client.call(
      'stacks.logs',
      { nodeId: 'local', name: NAME, service: 'worker', tail: 50, follow: opts.follow },
      {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (batch) => {
          lines.push(...batch);
          opts.onFirst?.();
        },
      },
    );
  } catch (err) {
    error = err as RackpilotError;
  }
  return { lines, result, error };
}

function containerEnv(name: string): string[] {
  return JSON.parse(dockerCli(['inspect', '--format', '{{json .Config.Env}}', name])) as string[];
}

beforeAll(async () => {
  if (skip) return;
  expect(checkComposeSpec(COMPOSE).errors).toEqual([]);
  t = createTempApp();
  images = await testImages();
  t.client.subscribe('stacks.pull', (p) => pulls.push(p));
  t.client.subscribe('stacks.changed', (c) => changed.push(`${c.nodeId}/${c.name}`));
}, 120_000);

afterAll(async () => {
  if (skip) return;
  await t?.close();
  const docker = localDocker();
  for (const name of ALL) await removeStack(docker, name);
  if (images) untagPulled([images.web, images.busybox]);
}, 60_000);

describe.skipIf(skip)('stacks on the local engine', () => {
  let v1Hash = '';

  it('saves a stack that is not deployed yet', async () => {
    const detail = await t.client.call('stacks.save', { nodeId: 'local', name: NAME, files: files('hello') });
    expect(detail.issues).toEqual([]);
    expect(detail.summary).toMatchObject({ name: NAME, stored: true, state: 'not-deployed', createdBy: null, appliedVersion: null });
    expect(detail.summary.services.map((s) => s.name)).toEqual(['web', 'worker']);
    expect(changed).toContain(`local/${NAME}`);
  });

  it('plans the creation of everything', async () => {
    const plan = await t.client.call('stacks.plan', { nodeId: 'local', name: NAME });
    expect(plan.noop).toBe(false);
    expect(plan.actions.map((a) => [a.service, a.action])).toEqual([
      ['web', 'create'],
      ['worker', 'create'],
    ]);
    expect(plan.resources).toContainEqual({ action: 'create', kind: 'volume', name: `${NAME}_data` });
    expect(plan.pulls.sort()).toEqual([images.busybox, images.web].sort());
    v1Hash = plan.planHash;
  });

  it('applies as a job with per-image pull progress, then lists running containers with port links', async () => {
    const job = await t.client.call('stacks.apply', { nodeId: 'local', name: NAME, planHash: v1Hash });
    expect(job).toMatchObject({ kind: 'stack.apply', state: 'running', nodeId: null });
    const done = await finished(job.id);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    expect(done.result).toMatchObject({ version: 1, noop: false });
    for (const image of [images.web, images.busybox]) {
      const last = pulls.filter((p) => p.jobId === job.id && p.image === image).at(-1);
      // The engine already holds these layers (the images were built here), so it may report none.
      expect(last, image).toMatchObject({ done: true, error: null });
    }

    const [summary] = (await t.client.call('stacks.list', { nodeId: 'local' })).filter((s) => s.name === NAME);
    expect(summary).toMatchObject({ stored: true, createdBy: 'rackpilot', state: 'running', appliedVersion: 1 });
    const web = summary!.services.find((s) => s.name === 'web')!.containers[0]!;
    expect(web.state).toBe('running');
    const link = web.ports.find((p) => p.containerPort === 80)!;
    expect(link.url).toBe(`http://127.0.0.1:${link.hostPort}`);
    const page = await fetch(link.url!);
    expect(await page.text()).toContain('rackpilot test web');
  });

  it('recreates only the service whose variable changed, then an unchanged apply is a no-op', async () => {
    const workerBefore = dockerCli(['inspect', '--format', '{{.Id}}', `${NAME}-worker-1`]);
    await t.client.call('stacks.save', { nodeId: 'local', name: NAME, files: files('bonjour') });
    const plan = await t.client.call('stacks.plan', { nodeId: 'local', name: NAME });
    const web = plan.actions.find((a) => a.service === 'web')!;
    expect(web.action).toBe('recreate');
    expect(web.reasons.join(' ')).toContain('environment');
    expect(plan.actions.find((a) => a.service === 'worker')!.action).toBe('keep');
    const job = await finished((await t.client.call('stacks.apply', { nodeId: 'local', name: NAME, planHash: plan.planHash })).id);
    expect(job.state).toBe('succeeded');
    expect(job.result).toMatchObject({ version: 2 });
    expect(containerEnv(`${NAME}-web-1`)).toContain('GREETING=bonjour');
    expect(dockerCli(['inspect', '--format', '{{.Id}}', `${NAME}-worker-1`])).toBe(workerBefore);

    const again = await t.client.call('stacks.plan', { nodeId: 'local', name: NAME });
    expect(again.noop).toBe(true);
    const noop = await finished((await t.client.call('stacks.apply', { nodeId: 'local', name: NAME, planHash: again.planHash })).id);
    expect(noop.state).toBe('succeeded');
    expect(noop.result).toMatchObject({ version: 2, noop: true });
    expect((await t.client.call('stacks.get', { nodeId: 'local', name: NAME })).versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('refuses a stale plan with E_CONFLICT', async () => {
    const job = await finished((await t.client.call('stacks.apply', { nodeId: 'local', name: NAME, planHash: v1Hash })).id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe(ErrorCode.Conflict);
  });

  it('rolls back to version 1 through plan and apply', async () => {
    const plan = await t.client.call('stacks.plan', { nodeId: 'local', name: NAME, version: 1 });
    expect(plan.version).toBe(1);
    expect(plan.actions.find((a) => a.service === 'web')!.action).toBe('recreate');
    const job = await finished((await t.client.call('stacks.apply', { nodeId: 'local', name: NAME, version: 1, planHash: plan.planHash })).id);
    expect(job.state).toBe('succeeded');
    expect(job.result).toMatchObject({ version: 3 });
    expect(containerEnv(`${NAME}-web-1`)).toContain('GREETING=hello');
    const detail = await t.client.call('stacks.get', { nodeId: 'local', name: NAME });
    expect(detail.files?.env).toContain('GREETING=hello');
    expect(detail.versions.at(-1)?.summary).toMatch(/^rollback to version 1: web: recreate/);
    expect(detail.versions[2]?.digest).toBe(detail.versions[0]?.digest);
    expect(detail.summary.appliedVersion).toBe(3);
  });

  it('stops and starts one service, reads stats, and follows logs until the caller stops', async () => {
    const stopped = await t.client.call('stacks.service', { nodeId: 'local', name: NAME, service: 'worker', action: 'stop' });
    expect(stopped.state).toBe('partial');
    const started = await t.client.call('stacks.service', { nodeId: 'local', name: NAME, service: 'worker', action: 'start' });
    expect(started.state).toBe('running');
    const stats = await t.client.call('stacks.stats', { nodeId: 'local', name: NAME });
    expect(stats.map((s) => s.service).sort()).toEqual(['web', 'worker']);
    expect(stats[0]!.memoryBytes).toBeGreaterThan(0);

    const tail = await collectLogs({ follow: false });
    expect(tail.result).toBeNull();
    expect(tail.lines.filter((l) => l.service === 'worker').map((l) => l.text)).toContain('worker up');

    // Follow: the call lives until the caller cancels it.
    const stop = new AbortController();
    const followed = collectLogs({ follow: true, signal: stop.signal, onFirst: () => stop.abort() });
    const ended = await followed;
    expect(ended.lines.length).toBeGreaterThan(0);
    expect(ended.error === null || ended.error.code === ErrorCode.Cancelled).toBe(true);
  });

  it('takes the stack down keeping its volume unless the name is confirmed', async () => {
    const refused = await rejection(t.client.call('stacks.down', { nodeId: 'local', name: NAME, removeVolumes: true, confirmName: 'nope' }));
    expect(refused.code).toBe(ErrorCode.ConfirmationRequired);

    const down = await finished((await t.client.call('stacks.down', { nodeId: 'local', name: NAME })).id);
    expect(down).toMatchObject({ kind: 'stack.down', state: 'succeeded' });
    const [summary] = (await t.client.call('stacks.list', { nodeId: 'local' })).filter((s) => s.name === NAME);
    expect(summary).toMatchObject({ stored: true, state: 'not-deployed', appliedVersion: 3 });
    expect(dockerCli(['volume', 'inspect', '--format', '{{.Name}}', `${NAME}_data`])).toBe(`${NAME}_data`);

    const purge = await finished((await t.client.call('stacks.down', { nodeId: 'local', name: NAME, removeVolumes: true, confirmName: NAME })).id);
    expect(purge.state).toBe('succeeded');
    expect(spawnSync('docker', ['volume', 'inspect', `${NAME}_data`]).status).not.toBe(0);
  });

  it('keeps secrets out of job logs, job errors and the audit log', async () => {
    // The secret ends up in an image tag: the pull fails and the engine's message quotes it.
    const leaky: StackFiles = {
      compose: ['services:', '  app:', '    image: ${BUSYBOX_IMAGE}-${API_TOKEN}', '    environment:', '      TOKEN: ${API_TOKEN}', ''].join('\n'),
      overrides: [],
      env: `BUSYBOX_IMAGE=${images.busybox}\n`,
      variables: { API_TOKEN: DB_PASSWORD },
      profiles: [],
    };
    await t.client.call('stacks.save', { nodeId: 'local', name: SECRET_NAME, files: leaky });
    const job = await finished((await t.client.call('stacks.apply', { nodeId: 'local', name: SECRET_NAME })).id);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toContain('••••••');
    const log = await jobLog(job.id);
    expect(log).toContain('••••••');
    const applied = (await t.client.call('jobs.list', { limit: 100 })).filter((j) => j.kind === 'stack.apply');
    for (const j of applied) {
      expect(JSON.stringify(j)).not.toContain(DB_PASSWORD);
      expect(await jobLog(j.id)).not.toContain(DB_PASSWORD);
    }
    const events = await t.client.call('events.list', { limit: 1000 });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['stack.applied', 'stack.down']));
    expect(JSON.stringify(events)).not.toContain(DB_PASSWORD);
    expect(JSON.stringify(pulls)).not.toContain(DB_PASSWORD);
  });

  it('returns precise issues for malformed YAML and unsupported keys, and refuses to plan them', async () => {
    const bad = `rpt-stkbad-${process.pid}`;
    const broken = await t.client.call('stacks.save', {
      nodeId: 'local',
      name: bad,
      files: { compose: 'services:\n  web:\n    image: busybox\n    ports: [80\n', env: '', variables: {}, profiles: [] },
    });
    expect(broken.issues[0]).toMatchObject({ severity: 'error', file: 'compose.yaml', line: expect.any(Number), column: expect.any(Number) });
    expect(broken.summary.state).toBe('not-deployed');
    expect((await rejection(t.client.call('stacks.plan', { nodeId: 'local', name: bad }))).code).toBe(ErrorCode.Validation);

    const unsupported = await t.client.call('stacks.validate', { files: { compose: 'services:\n  web:\n    image: busybox\n    build: .\n' } });
    expect(unsupported.issues).toContainEqual(expect.objectContaining({ severity: 'error', path: 'services.web.build', line: 4 }));
    expect((await rejection(t.client.call('stacks.remove', { nodeId: 'local', name: bad, confirmName: 'x' }))).code).toBe(ErrorCode.ConfirmationRequired);
    expect(await t.client.call('stacks.remove', { nodeId: 'local', name: bad, confirmName: bad })).toEqual({ nodeId: 'local', name: bad });
  });

  it('creates a stack from a template, asking for required secrets', async () => {
    expect((await t.client.call('stacks.templates', {})).map((x) => x.id)).toContain('gitea');
    const name = `rpt-stktpl-${process.pid}`;
    const missing = await rejection(t.client.call('stacks.createFromTemplate', { nodeId: 'local', name, templateId: 'gitea' }));
    expect(missing).toMatchObject({ code: ErrorCode.Validation, message: expect.stringContaining('DB_PASSWORD') });
    const detail = await t.client.call('stacks.createFromTemplate', { nodeId: 'local', name, templateId: 'gitea', values: { DB_PASSWORD } });
    expect(detail.issues).toEqual([]);
    expect(detail.files?.compose).not.toContain(DB_PASSWORD);
    expect(detail.files?.variables).toEqual({ DB_PASSWORD });
    await t.client.call('stacks.remove', { nodeId: 'local', name, confirmName: name });
  });
});

describe.skipIf(skip)('stacks on nodes over SSH', () => {
  let sshd: TestSshd;
  let user: TestUser;
  let node: Node;
  let nodeSeq = 0;

  const addNode = async (name: string, port: number, pin: boolean): Promise<Node> => {
    const created = await t.client.call('nodes.create', { name, mac: `52:54:00:5c:${hex(process.pid % 256)}:${hex(++nodeSeq)}`, address: '127.0.0.1', sshPort: port, sshUser: user.name, role: 'worker' });
    return pin ? t.client.call('nodes.acceptHostKey', { id: created.id, fingerprint: sshd.hostKey.fingerprint }) : created;
  };

  beforeAll(async () => {
    user = createTestUser('none');
    const usermod = spawnSync('usermod', ['-aG', 'docker', user.name]);
    if (usermod.status !== 0) throw new Error(`usermod failed: ${usermod.stderr.toString()}`);
    sshd = await startSshd({ authorizedKeys: { [user.name]: [t.app.services.ssh.publicKey!.authorizedKey] } });
    node = await addNode(`stk-${process.pid}`, sshd.port, true);
  }, 60_000);
  afterAll(async () => {
    await sshd?.stop();
    user?.remove();
  });

  it('deploys through SSH and mirrors the files so docker-compose on the node sees the stack', async () => {
    const compose = ['services:', '  web:', `    image: ${images.web}`, '    init: true', '    ports:', '      - "127.0.0.1::80"', '    environment:', '      MOTTO: ${MOTTO}', ''].join('\n');
    expect(checkComposeSpec(compose).errors).toEqual([]);
    await t.client.call('stacks.save', { nodeId: node.id, name: SSH_NAME, files: { compose, env: '# set in Rackpilot\n', variables: { MOTTO: 'ship it' } } });
    expect(await t.client.call('stacks.engine', { nodeId: node.id })).toMatchObject({ transport: 'stream-local' });
    const plan = await t.client.call('stacks.plan', { nodeId: node.id, name: SSH_NAME });
    const job = await finished((await t.client.call('stacks.apply', { nodeId: node.id, name: SSH_NAME, planHash: plan.planHash })).id);
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ state: 'succeeded', nodeId: node.id });
    expect(job.phases).toContain('Uploading files');

    const folder = posix.join('/home', user.name, 'rackpilot/stacks', SSH_NAME);
    expect(readFileSync(posix.join(folder, 'compose.yaml'), 'utf8')).toBe(compose);
    expect(readFileSync(posix.join(folder, '.env'), 'utf8')).toContain("MOTTO='ship it'");
    expect(statSync(posix.join(folder, '.env')).mode & 0o077).toBe(0);
    const ps = spawnSync('docker-compose', ['-p', SSH_NAME, 'ps'], { cwd: folder, encoding: 'utf8' });
    expect(ps.stderr).not.toMatch(/WARNING.*not set/);
    expect(ps.status).toBe(0);
    expect(ps.stdout).toContain(`${SSH_NAME}-web-1`);
    expect(ps.stdout).toContain('Up');
    expect(containerEnv(`${SSH_NAME}-web-1`)).toContain('MOTTO=ship it');
    expect(dockerCli(['inspect', '--format', '{{index .Config.Labels "com.docker.compose.project.working_dir"}}', `${SSH_NAME}-web-1`])).toBe(folder);

    const [summary] = (await t.client.call('stacks.list', { nodeId: node.id })).filter((s) => s.name === SSH_NAME);
    expect(summary).toMatchObject({ state: 'running', stored: true, appliedVersion: 1 });
    expect(summary!.services[0]!.containers[0]!.ports[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const down = await finished((await t.client.call('stacks.down', { nodeId: node.id, name: SSH_NAME })).id);
    expect(down.state).toBe('succeeded');
  });

  it('fails list and apply on an unreachable node with the SSH error, without hanging', async () => {
    const dead = await addNode(`stkdead-${process.pid}`, await freePort(), false);
    const listed = await rejection(t.client.call('stacks.list', { nodeId: dead.id }));
    expect(listed.code).toBe(ErrorCode.SshUnreachable);
    expect(listed.message).toContain('127.0.0.1');
    // Saving works offline; the editor is told the state is unknown.
    const saved = await t.client.call('stacks.save', { nodeId: dead.id, name: SSH_NAME, files: { compose: `services:\n  web:\n    image: ${images.web}\n` } });
    expect(saved.issues).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('Could not reach the Docker Engine') }));
    const job = await finished((await t.client.call('stacks.apply', { nodeId: dead.id, name: SSH_NAME })).id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe(ErrorCode.SshUnreachable);
  });
});
