/**
 * Override files end to end through the RPC, on the real engine: a stack whose
 * compose.prod.yaml changes an env var and adds a port is planned and applied merged (the
 * container has the override's value, the labels list every file); an issue inside the override
 * is reported with its file name and line; over SSH the files are mirrored so `docker-compose`
 * (1.29) in the node's folder resolves the same merged service, and a removed override is
 * deleted there too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINISHED_JOB_STATES, type Job } from '../../../shared/domain/job';
import type { Node } from '../../../shared/domain/node';
import type { StackFiles } from '../../../shared/domain/stack';
import { ErrorCode } from '../../../shared/errors';
import { checkComposeSpec } from '../testing/compose-schema';
import { docker as dockerCli, requireDocker, testImages, type TestImages } from '../testing/docker';
import { rejection } from '../testing/rejection';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../testing/sshd';
import { createTempApp, type TempApp } from '../testing/temp-app';
import { localDocker, removeStack, untagPulled } from './engine/testing-engine';

const skip = requireDocker();
const LOCAL_NAME = `rpt-ovr-${process.pid}`;
const BAD_NAME = `rpt-ovrbad-${process.pid}`;
const SSH_NAME = `rpt-ovrssh-${process.pid}`;

let t: TempApp;
let images: TestImages;

const COMPOSE = ['services:', '  web:', '    image: ${WEB_IMAGE}', '    init: true', '    ports:', '      - "127.0.0.1::80"', '    environment:', '      GREETING: from compose.yaml', ''].join('\n');
const PROD = ['# production settings', 'services:', '  web:', '    ports:', '      - "127.0.0.1::81"', '    environment:', '      GREETING: from the override', ''].join('\n');
const LOCAL_OVERRIDE = ['services:', '  web:', '    labels:', '      tier: front', ''].join('\n');

function stackFiles(overrides: StackFiles['overrides']): StackFiles {
  return { compose: COMPOSE, overrides, env: `WEB_IMAGE=${images.web}\n`, variables: {}, profiles: [] };
}

async function finished(id: string): Promise<Job> {
  for (;;) {
    const job = await t.client.call('jobs.get', { id });
    if (FINISHED_JOB_STATES.includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Plans, then applies that plan; returns the finished job. */
async function deploy(nodeId: string, name: string): Promise<Job> {
  const plan = await t.client.call('stacks.plan', { nodeId, name });
  return finished((await t.client.call('stacks.apply', { nodeId, name, planHash: plan.planHash })).id);
}

function inspect(container: string, format: string): string {
  return dockerCli(['inspect', '--format', format, container]);
}

function containerEnv(container: string): string[] {
  return JSON.parse(inspect(container, '{{json .Config.Env}}')) as string[];
}

beforeAll(async () => {
  if (skip) return;
  for (const text of [COMPOSE, PROD, LOCAL_OVERRIDE]) expect(checkComposeSpec(text).errors).toEqual([]);
  t = createTempApp();
  images = await testImages();
}, 120_000);

afterAll(async () => {
  if (skip) return;
  await t?.close();
  for (const name of [LOCAL_NAME, SSH_NAME]) await removeStack(localDocker(), name);
  if (images) untagPulled([images.web]);
}, 60_000);

describe.skipIf(skip)('override files on the local engine', () => {
  it('plans and applies compose.yaml merged with its override, and lists every file in the labels', async () => {
    const saved = await t.client.call('stacks.save', { nodeId: 'local', name: LOCAL_NAME, files: stackFiles([{ name: 'compose.prod.yaml', content: PROD }]) });
    expect(saved.issues).toEqual([]);
    expect(saved.files?.overrides).toEqual([{ name: 'compose.prod.yaml', content: PROD }]);

    const plan = await t.client.call('stacks.plan', { nodeId: 'local', name: LOCAL_NAME });
    expect(plan.actions.map((a) => [a.service, a.action])).toEqual([['web', 'create']]);
    const job = await finished((await t.client.call('stacks.apply', { nodeId: 'local', name: LOCAL_NAME, planHash: plan.planHash })).id);
    expect(job.error).toBeNull();
    expect(job.state).toBe('succeeded');

    const web = `${LOCAL_NAME}-web-1`;
    expect(containerEnv(web)).toContain('GREETING=from the override');
    expect(Object.keys(JSON.parse(inspect(web, '{{json .HostConfig.PortBindings}}')) as object).sort()).toEqual(['80/tcp', '81/tcp']);
    const folder = t.app.services.stacks.store.folder('local', LOCAL_NAME);
    expect(inspect(web, '{{index .Config.Labels "com.docker.compose.project.config_files"}}')).toBe(`${join(folder, 'compose.yaml')},${join(folder, 'compose.prod.yaml')}`);
    expect(readFileSync(join(folder, 'compose.prod.yaml'), 'utf8')).toBe(PROD);

    const [summary] = (await t.client.call('stacks.list', { nodeId: 'local' })).filter((s) => s.name === LOCAL_NAME);
    expect(summary!.services[0]!.containers[0]!.ports.map((p) => p.containerPort).sort()).toEqual([80, 81]);
  });

  it('recreates the service when only the override changes, and keeps each version with its overrides', async () => {
    await t.client.call('stacks.save', { nodeId: 'local', name: LOCAL_NAME, files: stackFiles([{ name: 'compose.prod.yaml', content: PROD.replace('from the override', 'changed again') }]) });
    const plan = await t.client.call('stacks.plan', { nodeId: 'local', name: LOCAL_NAME });
    expect(plan.actions[0]).toMatchObject({ service: 'web', action: 'recreate', reasons: [expect.stringContaining('environment')] });
    const job = await finished((await t.client.call('stacks.apply', { nodeId: 'local', name: LOCAL_NAME, planHash: plan.planHash })).id);
    expect(job.state).toBe('succeeded');
    expect(containerEnv(`${LOCAL_NAME}-web-1`)).toContain('GREETING=changed again');

    const detail = await t.client.call('stacks.get', { nodeId: 'local', name: LOCAL_NAME });
    expect(detail.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(detail.versions[0]!.digest).not.toBe(detail.versions[1]!.digest);
    const rollback = await t.client.call('stacks.plan', { nodeId: 'local', name: LOCAL_NAME, version: 1 });
    expect(rollback.actions[0]).toMatchObject({ action: 'recreate' });
  });

  it('reports an issue inside the override with its file name and line, and refuses to plan it', async () => {
    const bad = ['services:', '  web:', '    environment:', '      GREETING: hi', '    build: .', ''].join('\n');
    const saved = await t.client.call('stacks.save', { nodeId: 'local', name: BAD_NAME, files: stackFiles([{ name: 'compose.dev.yml', content: bad }]) });
    expect(saved.issues).toContainEqual(expect.objectContaining({ severity: 'error', file: 'compose.dev.yml', path: 'services.web.build', line: 5, column: expect.any(Number) }));
    const refused = await rejection(t.client.call('stacks.plan', { nodeId: 'local', name: BAD_NAME }));
    expect(refused.code).toBe(ErrorCode.Validation);
    expect(refused.message).toContain('compose.dev.yml:5:');

    const validated = await t.client.call('stacks.validate', { files: { compose: COMPOSE, overrides: [{ name: 'compose.dev.yml', content: '# nothing yet\n' }], env: `WEB_IMAGE=${images.web}\n` } });
    expect(validated.issues).toEqual([expect.objectContaining({ severity: 'error', file: 'compose.dev.yml', line: 1 })]);
    const misnamed = await rejection(t.client.call('stacks.save', { nodeId: 'local', name: BAD_NAME, files: stackFiles([{ name: '../compose.yaml', content: PROD }]) }));
    expect(misnamed.code).toBe(ErrorCode.Validation);
    await t.client.call('stacks.remove', { nodeId: 'local', name: BAD_NAME, confirmName: BAD_NAME });
  });

  it('takes the merged stack down', async () => {
    const down = await finished((await t.client.call('stacks.down', { nodeId: 'local', name: LOCAL_NAME })).id);
    expect(down.state).toBe('succeeded');
  });
});

describe.skipIf(skip)('override files on a node over SSH', () => {
  let sshd: TestSshd;
  let user: TestUser;
  let node: Node;

  beforeAll(async () => {
    user = createTestUser('none');
    const usermod = spawnSync('usermod', ['-aG', 'docker', user.name]);
    if (usermod.status !== 0) throw new Error(`usermod failed: ${usermod.stderr.toString()}`);
    sshd = await startSshd({ authorizedKeys: { [user.name]: [t.app.services.ssh.publicKey!.authorizedKey] } });
    const created = await t.client.call('nodes.create', {
      name: `ovr-${process.pid}`,
      mac: `52:54:00:6e:${(process.pid % 256).toString(16).padStart(2, '0')}:01`,
      address: '127.0.0.1',
      sshPort: sshd.port,
      sshUser: user.name,
      role: 'worker',
    });
    node = await t.client.call('nodes.acceptHostKey', { id: created.id, fingerprint: sshd.hostKey.fingerprint });
  }, 60_000);
  afterAll(async () => {
    await sshd?.stop();
    user?.remove();
  });

  /** docker-compose 1.29 run in the node's stack folder, as a user on the node would. */
  const compose = (folder: string, args: string[]) => spawnSync('docker-compose', ['-p', SSH_NAME, ...args], { cwd: folder, encoding: 'utf8' });

  it('mirrors the override files so docker-compose on the node resolves the same merged service', async () => {
    const overrides = [
      { name: 'compose.override.yaml', content: LOCAL_OVERRIDE },
      { name: 'compose.prod.yaml', content: PROD },
    ];
    await t.client.call('stacks.save', { nodeId: node.id, name: SSH_NAME, files: stackFiles(overrides) });
    const job = await deploy(node.id, SSH_NAME);
    expect(job.error).toBeNull();
    expect(job.state).toBe('succeeded');

    const folder = posix.join('/home', user.name, 'rackpilot/stacks', SSH_NAME);
    for (const o of overrides) expect(readFileSync(posix.join(folder, o.name), 'utf8')).toBe(o.content);
    expect(readFileSync(posix.join(folder, '.env'), 'utf8')).toContain('COMPOSE_FILE=compose.yaml:compose.override.yaml:compose.prod.yaml\n');
    const web = `${SSH_NAME}-web-1`;
    expect(containerEnv(web)).toContain('GREETING=from the override');
    expect(inspect(web, '{{index .Config.Labels "tier"}}')).toBe('front');
    expect(inspect(web, '{{index .Config.Labels "com.docker.compose.project.config_files"}}')).toBe(['compose.yaml', 'compose.override.yaml', 'compose.prod.yaml'].map((f) => posix.join(folder, f)).join(','));

    const config = compose(folder, ['config']);
    expect(config.stderr).not.toMatch(/WARNING|ERROR/);
    expect(config.status).toBe(0);
    expect(config.stdout).toMatch(/GREETING: from the override/);
    expect(config.stdout).toMatch(/tier: front/);
    expect(config.stdout).toMatch(/127\.0\.0\.1::81\/tcp/);
    const ps = compose(folder, ['ps']);
    expect(ps.status).toBe(0);
    expect(ps.stdout).toContain(web);
    expect(ps.stdout).toContain('Up');
  });

  it('deletes a removed override file on the node, so docker-compose no longer merges it', async () => {
    await t.client.call('stacks.save', { nodeId: node.id, name: SSH_NAME, files: stackFiles([{ name: 'compose.prod.yaml', content: PROD }]) });
    const job = await deploy(node.id, SSH_NAME);
    expect(job.state).toBe('succeeded');
    const folder = posix.join('/home', user.name, 'rackpilot/stacks', SSH_NAME);
    expect(existsSync(posix.join(folder, 'compose.override.yaml'))).toBe(false);
    expect(inspect(`${SSH_NAME}-web-1`, '{{index .Config.Labels "tier"}}')).toBe('');
    const config = compose(folder, ['config']);
    expect(config.status).toBe(0);
    expect(config.stdout).not.toMatch(/tier: front/);
    expect(config.stdout).toMatch(/GREETING: from the override/);

    const down = await finished((await t.client.call('stacks.down', { nodeId: node.id, name: SSH_NAME })).id);
    expect(down.state).toBe('succeeded');
  });
});
