/**
 * A guided lab through the API, as the Labs page drives it, on two real OpenSSH logins (throwaway
 * users on a loopback sshd) registered as nodes: the catalog (built-in labs from the repository's
 * assets/labs and a user lab written here), start with role → node (and its refusals), a check
 * that fails with the lab's hint and real evidence, the learner fixing it over SSH, the check
 * passing and moving the run on, progress surviving an app restart, the solution only when asked,
 * goto, reset (confirmed by the lab id) and stop. Also the registry mirror's daemon.json edit on a
 * real file over SSH with sudo.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/domain/job';
import type { LabRun } from '../../../shared/domain/lab';
import type { Node } from '../../../shared/domain/node';
import { ErrorCode } from '../../../shared/errors';
import { targetFromNode } from '../ssh/target';
import { rejection } from '../testing/rejection';
import { createTestUser, sshdAvailable, startSshd, type TestSshd, type TestUser } from '../testing/sshd';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';
import { builtInLabsDir } from './lab-source';
import { pointDockerAtRegistry } from './registry-mirror';

const LAB = 'rp-demo';
const SOLUTION_MARK = 'SOLUTION-ONLY-TEXT';
const canRun = sshdAvailable() && process.getuid?.() === 0;
if (!canRun && process.env.CI === 'true') throw new Error('labs.int.test needs root and OpenSSH sshd (/usr/sbin/sshd) under CI');

function writeLab(root: string): void {
  const dir = join(root, LAB);
  mkdirSync(join(dir, 'steps'), { recursive: true });
  writeFileSync(
    join(dir, 'lab.yaml'),
    [
      `id: ${LAB}`,
      'title: Demo lab for the runner',
      'summary: Two nodes, a file and a command, checked for real over SSH.',
      'order: 900',
      'estimatedMinutes: 5',
      'nodes:',
      '  - role: web',
      '    description: Holds the greeting file.',
      '  - role: db',
      '    description: Says it is ready.',
      'steps:',
      '  - steps/01-greet.md',
      '  - steps/02-more.md',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'steps', '01-greet.md'),
    [
      '---',
      'title: Greet from the web node',
      'checks:',
      '  - id: greeting',
      '    title: The greeting file on {{nodes.web.name}}',
      '    kind: file',
      '    node: web',
      '    path: /home/{{nodes.web.user}}/hello.txt',
      '    contentMatches: "Hello from {{nodes.web.name}}"',
      '    hint: Write the file in your home directory on {{nodes.web.name}}, with the node\'s name in it.',
      '  - id: ready',
      '    title: The db node says it is ready',
      '    kind: command',
      '    node: db',
      '    run: cat ~/ready',
      '    stdoutMatches: "^yes$"',
      '    hint: Is there a file called ready in your home directory on the db node, saying yes?',
      '---',
      'Log in to {{nodes.web.name}} ({{nodes.web.address}}) as {{nodes.web.user}} and write a greeting.',
      '',
      '## Solution',
      `${SOLUTION_MARK}: echo "Hello from {{nodes.web.name}}" > ~/hello.txt on {{nodes.web.name}}; echo yes > ~/ready on {{nodes.db.name}}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'steps', '02-more.md'),
    ['---', 'title: Keep it there', 'checks:', '  - id: still', '    title: The greeting is still there', '    kind: command', '    node: web', '    run: test -f ~/hello.txt', '    hint: Did you delete hello.txt?', '---', 'Nothing to do but check.', ''].join('\n'),
  );
}

async function settle(t: TempApp, job: Job): Promise<Job> {
  const done = await t.app.services.jobs.settled(job.id);
  if (done.state !== 'succeeded') {
    const log = (await t.client.call('jobs.logs', { id: job.id, limit: 500 })).map((l) => l.line).join('\n');
    throw new Error(`${done.title} ${done.state}: ${done.error?.message}\n${log}`);
  }
  return done;
}

describe.skipIf(!canRun)('guided labs through the API on real sshd nodes', () => {
  const dataDir = tempDir('rackpilot-labs-');
  const userLabsDir = tempDir('rackpilot-user-labs-');
  let t: TempApp;
  let sshd: TestSshd;
  let web: TestUser;
  let db: TestUser;
  let sudoer: TestUser;
  const nodes: Record<string, Node> = {};
  const changes: { labId: string; run: LabRun | null }[] = [];

  async function addNode(name: string, user: TestUser, i: number): Promise<Node> {
    const node = await t.client.call('nodes.create', { name, mac: `52:54:00:1b:${(process.pid % 256).toString(16).padStart(2, '0')}:0${i}`, address: '127.0.0.1', sshPort: sshd.port, sshUser: user.name });
    const scan = await t.client.call('nodes.scanHostKey', { id: node.id });
    return t.client.call('nodes.acceptHostKey', { id: node.id, fingerprint: scan.presented.fingerprint });
  }

  async function runOn(node: Node, command: string): Promise<void> {
    const job = await t.client.call('nodes.runCommand', { ids: [node.id], command, sudo: false });
    const done = await settle(t, job);
    expect(done.result).toMatchObject({ results: [{ state: 'ok', exitCode: 0 }] });
  }

  function open(): TempApp {
    const app = createTempApp(dataDir, { userLabsDir });
    app.client.subscribe('labs.changed', (e) => changes.push(e));
    return app;
  }

  beforeAll(async () => {
    writeLab(userLabsDir);
    web = createTestUser('none');
    db = createTestUser('none');
    sudoer = createTestUser('nopasswd');
    t = open();
    const key = t.app.services.ssh.publicKey!.authorizedKey;
    sshd = await startSshd({ authorizedKeys: { [web.name]: [key], [db.name]: [key], [sudoer.name]: [key] } });
    nodes.web = await addNode(`lab-web-${process.pid}`, web, 1);
    nodes.db = await addNode(`lab-db-${process.pid}`, db, 2);
    nodes.sudoer = await addNode(`lab-sudo-${process.pid}`, sudoer, 3);
  }, 60_000);

  afterAll(async () => {
    await t?.close({ keepDir: false });
    await sshd?.stop();
    for (const u of [web, db, sudoer]) u?.remove();
    rmSync(userLabsDir, { recursive: true, force: true });
  }, 60_000);

  it('lists the repository\'s built-in labs and the user lab, with no progress yet', async () => {
    const catalog = await t.client.call('labs.list', {});
    expect(catalog.userLabsDir).toBe(userLabsDir);
    const demo = catalog.labs.find((l) => l.id === LAB);
    expect(demo).toMatchObject({ source: 'user', stepCount: 2, progress: { started: false, stepsDone: 0, completed: false } });
    // Every folder of assets/labs shows up: loaded as a built-in lab, or listed broken with its problems.
    const builtIn = builtInLabsDir(null);
    const folders = existsSync(builtIn) ? readdirSync(builtIn, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
    expect(folders.length).toBeGreaterThan(0);
    const seen = [...catalog.labs.filter((l) => l.source === 'built-in').map((l) => l.id), ...catalog.broken.filter((b) => b.source === 'built-in').map((b) => b.folder.split('/').at(-1))];
    expect(seen.sort()).toEqual(folders.sort());
  });

  it('shows a lab without any solution text, and says which steps have one', async () => {
    const detail = await t.client.call('labs.get', { labId: LAB });
    expect(JSON.stringify(detail)).not.toContain(SOLUTION_MARK);
    expect(detail.steps.map((s) => s.hasSolution)).toEqual([true, false]);
    expect(detail.run).toBeNull();
    expect(detail.nodes).toEqual({ web: null, db: null });
    expect(detail.steps[0]?.checks.map((c) => c.id)).toEqual(['greeting', 'ready']);
  });

  it('refuses bad starts: unknown lab, unknown role, a role left out, one node for two roles', async () => {
    expect((await rejection(t.client.call('labs.start', { labId: 'no-such-lab', nodes: {} }))).code).toBe(ErrorCode.NotFound);
    const unknownRole = await rejection(t.client.call('labs.start', { labId: LAB, nodes: { web: nodes.web!.id, db: nodes.db!.id, cache: nodes.sudoer!.id } }));
    expect(unknownRole.code).toBe(ErrorCode.Validation);
    expect(unknownRole.message).toMatch(/no node role "cache".*web, db/);
    const missing = await rejection(t.client.call('labs.start', { labId: LAB, nodes: { web: nodes.web!.id } }));
    expect(missing.message).toMatch(/Pick a node for the role "db"/);
    const twice = await rejection(t.client.call('labs.start', { labId: LAB, nodes: { web: nodes.web!.id, db: nodes.web!.id } }));
    expect(twice.message).toMatch(/cannot serve both "web" and "db"/);
    expect((await t.client.call('labs.get', { labId: LAB })).run).toBeNull();
    expect((await rejection(t.client.call('labs.check', { labId: LAB }))).code).toBe(ErrorCode.Conflict);
  });

  it('starts on the chosen nodes: step 0 reached with each node\'s real boot id, placeholders filled', async () => {
    const progress: string[] = [];
    const detail = await t.client.call('labs.start', { labId: LAB, nodes: { web: nodes.web!.id, db: nodes.db!.id } }, { onProgress: (p) => progress.push(p) });
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    expect(detail.run).toMatchObject({ labId: LAB, currentStep: 0, nodes: { web: nodes.web!.id, db: nodes.db!.id }, completedAt: null });
    expect(detail.run?.steps[0]?.bootIds).toEqual({ web: bootId, db: bootId });
    expect(detail.nodes.web).toMatchObject({ id: nodes.web!.id, name: nodes.web!.name, address: '127.0.0.1' });
    expect(detail.steps[0]?.body).toContain(`Log in to ${nodes.web!.name} (127.0.0.1) as ${web.name}`);
    expect(progress.join('\n')).toMatch(/boot ids/);
    expect(changes.some((c) => c.labId === LAB && c.run?.currentStep === 0)).toBe(true);
    const events = await t.client.call('events.list', { limit: 20 });
    expect(events.some((e) => e.kind === 'lab.started' && e.summary.includes(nodes.web!.name))).toBe(true);
  });

  it('a check that fails shows the hint and what it saw; nothing moves', async () => {
    const report = await t.client.call('labs.check', { labId: LAB });
    expect(report).toMatchObject({ labId: LAB, step: 0, passed: false, advanced: false });
    const greeting = report.results.find((r) => r.checkId === 'greeting')!;
    expect(greeting.status).toBe('fail');
    expect(greeting.ran).toContain(`/home/${web.name}/hello.txt`);
    expect(greeting.hint).toBe(`Write the file in your home directory on ${nodes.web!.name}, with the node's name in it.`);
    expect(greeting.saw.length).toBeGreaterThan(0);
    const ready = report.results.find((r) => r.checkId === 'ready')!;
    expect(ready.status).toBe('fail');
    expect(ready.saw).toMatch(/No such file|exit/i);
    const detail = await t.client.call('labs.get', { labId: LAB });
    expect(detail.run?.currentStep).toBe(0);
    expect(detail.run?.steps[0]?.lastCheck).toMatchObject({ passed: false });
    // Asked for by the learner: on the Activity page.
    const events = await t.client.call('events.list', { limit: 5 });
    expect(events.find((e) => e.kind === 'lab.checked')?.summary).toMatch(/^Checked step 1 of ".+": 0 of 2 checks pass$/);
  });

  it('after the learner fixes it over SSH, the check passes and the run moves to the next step', async () => {
    await runOn(nodes.web!, `echo "Hello from ${nodes.web!.name}" > ~/hello.txt`);
    await runOn(nodes.db!, 'echo yes > ~/ready');
    const report = await t.client.call('labs.check', { labId: LAB, auto: true });
    expect(report.results.map((r) => [r.checkId, r.status])).toEqual([
      ['greeting', 'pass'],
      ['ready', 'pass'],
    ]);
    expect(report).toMatchObject({ passed: true, advanced: true });
    const detail = await t.client.call('labs.get', { labId: LAB });
    expect(detail.run?.currentStep).toBe(1);
    expect(detail.run?.steps[0]?.completedAt).not.toBeNull();
    expect(detail.run?.steps[1]?.reachedAt).not.toBeNull();
    expect(detail.summary.progress).toMatchObject({ started: true, stepsDone: 1, currentStep: 1, completed: false });
  });

  it('progress survives closing and reopening the app on the same data dir', async () => {
    await t.close({ keepDir: true });
    t = open();
    const detail = await t.client.call('labs.get', { labId: LAB });
    expect(detail.run).toMatchObject({ currentStep: 1 });
    expect(detail.run?.steps[0]?.completedAt).not.toBeNull();
    expect((await t.client.call('labs.list', {})).labs.find((l) => l.id === LAB)?.progress).toMatchObject({ started: true, stepsDone: 1 });
  });

  it('hands out a solution only when asked, filled in, and remembers that it was shown', async () => {
    const { markdown } = await t.client.call('labs.solution', { labId: LAB, step: 0 });
    expect(markdown).toContain(SOLUTION_MARK);
    expect(markdown).toContain(`echo "Hello from ${nodes.web!.name}"`);
    expect(markdown).toContain(`on ${nodes.db!.name}`);
    const detail = await t.client.call('labs.get', { labId: LAB });
    expect(detail.run?.steps[0]?.solutionShown).toBe(true);
    expect(JSON.stringify(detail)).not.toContain(SOLUTION_MARK);
    expect((await rejection(t.client.call('labs.solution', { labId: LAB, step: 1 }))).code).toBe(ErrorCode.NotFound);
  });

  it('goto moves between steps; passing the last step completes the lab', async () => {
    expect((await t.client.call('labs.goto', { labId: LAB, step: 0 })).run?.currentStep).toBe(0);
    expect((await rejection(t.client.call('labs.goto', { labId: LAB, step: 7 }))).code).toBe(ErrorCode.Validation);
    const detail = await t.client.call('labs.goto', { labId: LAB, step: 1 });
    expect(detail.run?.currentStep).toBe(1);
    const report = await t.client.call('labs.check', { labId: LAB });
    expect(report).toMatchObject({ step: 1, passed: true, advanced: true });
    const done = await t.client.call('labs.get', { labId: LAB });
    expect(done.run?.completedAt).not.toBeNull();
    expect(done.summary.progress).toMatchObject({ stepsDone: 2, completed: true });
  });

  it('reset needs the lab id typed, then clears the progress and keeps the nodes', async () => {
    const refused = await rejection(t.client.call('labs.reset', { labId: LAB, confirmName: 'rp-dem' }));
    expect(refused.code).toBe(ErrorCode.ConfirmationRequired);
    expect(refused.message).toContain(`"${LAB}"`);
    expect((await t.client.call('labs.get', { labId: LAB })).run?.completedAt).not.toBeNull();
    const job = await t.client.call('labs.reset', { labId: LAB, confirmName: LAB });
    await settle(t, job);
    const detail = await t.client.call('labs.get', { labId: LAB });
    expect(detail.run).toMatchObject({ currentStep: 0, completedAt: null, resetJobId: null, nodes: { web: nodes.web!.id, db: nodes.db!.id } });
    expect(detail.run?.steps.map((s) => s.completedAt)).toEqual([null, null]);
    expect(detail.run?.steps[0]?.reachedAt).not.toBeNull();
    expect(detail.run?.steps[0]?.solutionShown).toBe(false);
  });

  it('stop forgets the run and leaves the nodes alone', async () => {
    expect(await t.client.call('labs.stop', { labId: LAB })).toEqual({ labId: LAB });
    expect((await t.client.call('labs.get', { labId: LAB })).run).toBeNull();
    expect(changes.at(-1)).toEqual({ labId: LAB, run: null });
    expect(existsSync(join(dataDir, 'labs', 'runs', `${LAB}.json`))).toBe(false);
    expect((await t.client.call('nodes.get', { id: nodes.web!.id })).id).toBe(nodes.web!.id);
    const events = (await t.client.call('events.list', { limit: 50 })).map((e) => e.kind);
    expect(events).toEqual(expect.arrayContaining(['lab.started', 'lab.solution-shown', 'lab.reset', 'lab.stopped']));
    // Automatic re-checks reach the Activity page only when they complete a step.
    const summaries = (await t.client.call('events.list', { limit: 50 })).filter((e) => e.kind === 'lab.checked').map((e) => e.summary);
    expect(summaries.filter((s) => s.startsWith('Auto-check')).every((s) => s.endsWith('— step done'))).toBe(true);
    expect(summaries.some((s) => s.startsWith('Auto-check'))).toBe(true);
  });

  it('points a node\'s Docker at the lab registry by editing daemon.json over SSH with sudo, once', async () => {
    // A root-owned file of the test's own (not this machine's /etc/docker/daemon.json): the edit is
    // real (sudo over SSH), the "restart" only records that it ran.
    const dir = tempDir('rackpilot-daemonjson-');
    const file = join(dir, 'docker', 'daemon.json');
    const restarts = join(dir, 'restarts');
    mkdirSync(join(dir, 'docker'));
    writeFileSync(file, JSON.stringify({ 'log-driver': 'journald', 'registry-mirrors': ['https://mirror.example.org'] }));
    const target = targetFromNode(await t.client.call('nodes.get', { id: nodes.sudoer!.id }));
    const opts = { daemonJson: file, restartCommand: `echo restarted >> ${restarts}` };
    try {
      expect(await pointDockerAtRegistry(t.app.services.ssh, target, '10.78.0.1:5000', opts)).toBe('updated');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
        'log-driver': 'journald',
        'registry-mirrors': ['https://mirror.example.org', 'http://10.78.0.1:5000'],
        'insecure-registries': ['10.78.0.1:5000'],
      });
      expect(execFileSync('stat', ['-c', '%U %a', file], { encoding: 'utf8' }).trim()).toBe('root 644');
      expect(await pointDockerAtRegistry(t.app.services.ssh, target, '10.78.0.1:5000', opts)).toBe('unchanged');
      expect(readFileSync(restarts, 'utf8')).toBe('restarted\n');
      // Without sudo rights the edit is refused with what to do.
      const plain = targetFromNode(nodes.web!);
      await expect(pointDockerAtRegistry(t.app.services.ssh, plain, '10.78.0.1:5000', opts)).rejects.toThrow(/sudo/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
