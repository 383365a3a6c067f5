/**
 * The recipe engine against a real OpenSSH sshd on this host: check/apply semantics, the second
 * run changing nothing, failures stopping a node's run, check mode, sudo, cancellation — with
 * test recipes that only touch a temporary directory. The built-in recipes themselves run on a
 * virtual node in the lab tier (builtins.lab.test.ts); here they run in check mode only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events } from '../../../shared/contract';
import type { Node } from '../../../shared/domain/node';
import type { RecipeRunResult, StepResult } from '../../../shared/domain/recipe';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../testing/sshd';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';
import type { Recipe } from './recipe';
import { runRecipe, type RecipeRunOptions } from './run-recipe';
import { targetFromNode } from '../ssh/target';
import { q } from './shell';

let sshd: TestSshd;
let t: TempApp;
let node: Node;
let user: TestUser;
let work: string;

beforeAll(async () => {
  t = createTempApp();
  user = createTestUser('nopasswd');
  const key = t.app.services.ssh.publicKey!.authorizedKey;
  sshd = await startSshd({ authorizedKeys: { root: [key], [user.name]: [key] } });
  node = await t.client.call('nodes.create', { name: 'local-1', mac: '52:54:00:fa:c8:01', address: '127.0.0.1', sshPort: sshd.port, sshUser: 'root', role: 'worker' });
  node = await t.client.call('nodes.acceptHostKey', { id: node.id, fingerprint: sshd.hostKey.fingerprint });
  work = tempDir('rackpilot-recipe-');
  chmodSync(work, 0o755);
});
afterAll(async () => {
  await t?.close();
  await sshd?.stop();
  user?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A file with given content: the smallest honest idempotent step. */
function fileStep(id: string, name: string, content: string): Recipe['steps'][number] {
  const path = join(work, name);
  return {
    id,
    title: `Write ${name}`,
    check: () => `[ "$(cat ${q(path)} 2>/dev/null)" = ${q(content)} ] && { echo "${name} is right"; exit 0; }; echo "${name} needs writing"; exit 1`,
    apply: () => `printf '%s' ${q(content)} > ${q(path)}`,
  };
}

function options(over: Partial<RecipeRunOptions> = {}): RecipeRunOptions & { steps: StepResult[]; lines: string[] } {
  const steps: StepResult[] = [];
  const lines: string[] = [];
  return {
    ssh: t.app.services.ssh,
    target: targetFromNode(node),
    params: { timezone: 'UTC', packages: [], unattendedUpgrades: true },
    checkOnly: false,
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    onStep: (_i, s) => steps.push(s),
    steps,
    lines,
    ...over,
  };
}

const recipeOf = (steps: Recipe['steps']): Recipe => ({ id: 'test', title: 'Test recipe', description: 'files in a temp dir', steps });

describe('recipe engine (real OpenSSH sshd)', () => {
  it('applies what is missing, then a second run changes nothing', async () => {
    const recipe = recipeOf([
      fileStep('a', 'a.txt', 'alpha'),
      fileStep('b', 'b.txt', 'beta'),
      { id: 'verify', title: 'Both files exist', check: () => `[ -f ${q(join(work, 'a.txt'))} ] && [ -f ${q(join(work, 'b.txt'))} ] && echo "both there"` },
    ]);
    writeFileSync(join(work, 'b.txt'), 'beta'); // already right: ok, not changed
    const first = options();
    const r1 = await runRecipe(recipe, first);
    expect(r1.steps.map((s) => s.status)).toEqual(['changed', 'ok', 'ok']);
    expect(r1.summary).toEqual({ ok: 2, changed: 1, failed: 0, skipped: 0 });
    expect(r1.steps[0]!.message).toBe('a.txt is right');
    expect(readFileSync(join(work, 'a.txt'), 'utf8')).toBe('alpha');
    // Each step reports running, then its outcome, in order.
    expect(first.steps.map((s) => `${s.id}:${s.status}`)).toEqual(['a:running', 'a:changed', 'b:running', 'b:ok', 'verify:running', 'verify:ok']);
    expect(first.lines).toContain('TASK [Write a.txt]');

    const r2 = await runRecipe(recipe, options());
    expect(r2.summary).toEqual({ ok: 3, changed: 0, failed: 0, skipped: 0 });
  });

  it('stops a node at the first failed step and skips the rest, saying why', async () => {
    const recipe = recipeOf([
      { id: 'boom', title: 'Fails', check: () => 'exit 1', apply: () => 'echo "disk full" >&2; exit 4' },
      fileStep('after', 'after.txt', 'never'),
    ]);
    const r = await runRecipe(recipe, options());
    expect(r.steps[0]).toMatchObject({ status: 'failed', message: 'disk full (exit 4)' });
    expect(r.steps[1]).toMatchObject({ status: 'skipped', message: 'Not run: step "Fails" failed.' });
    expect(existsSync(join(work, 'after.txt'))).toBe(false);
  });

  it('fails a step whose apply leaves its check failing (it would "change" forever)', async () => {
    const r = await runRecipe(recipeOf([{ id: 'liar', title: 'Liar', check: () => 'echo "still wrong"; exit 1', apply: () => 'true' }]), options());
    expect(r.steps[0]).toMatchObject({ status: 'failed', message: 'Applied, but the check still fails: still wrong' });
  });

  it('a check that errors (not 0 or 1) fails with its stderr', async () => {
    const r = await runRecipe(recipeOf([{ id: 'c', title: 'Broken check', check: () => 'echo "no such tool" >&2; exit 127', apply: () => 'true' }]), options());
    expect(r.steps[0]).toMatchObject({ status: 'failed', message: 'The check failed: no such tool (exit 127)' });
  });

  it('check mode applies nothing and reports what would change', async () => {
    const recipe = recipeOf([fileStep('c', 'c.txt', 'gamma'), { id: 'needs-c', title: 'Reads c', check: () => `cat ${q(join(work, 'c.txt'))} >/dev/null 2>&1 || exit 2` }]);
    const r = await runRecipe(recipe, options({ checkOnly: true }));
    expect(r.checkOnly).toBe(true);
    expect(r.steps[0]).toMatchObject({ status: 'changed', message: 'Would change: c.txt needs writing' });
    // The second check cannot be answered until the first change exists: unknown, not failed.
    expect(r.steps[1]).toMatchObject({ status: 'skipped' });
    expect(r.steps[1]!.message).toMatch(/^Cannot check before the earlier changes are applied/);
    expect(existsSync(join(work, 'c.txt'))).toBe(false);
  });

  it('runs steps as root through sudo when the admin user is not root', async () => {
    const asUser = { ...targetFromNode(node), user: user.name };
    const marker = join(work, 'whoami.txt');
    const r = await runRecipe(recipeOf([{ id: 'who', title: 'Who', check: () => `[ -f ${q(marker)} ] && exit 0; exit 1`, apply: () => `id -u > ${q(marker)}` }]), options({ target: asUser }));
    expect(r.summary.changed).toBe(1);
    expect(readFileSync(marker, 'utf8').trim()).toBe('0');
  });

  it('skips every step on an OS the recipe does not support', async () => {
    const recipe: Recipe = { ...recipeOf([fileStep('x', 'x.txt', 'x')]), unsupported: (os) => `Not for ${os.prettyName}.` };
    const r = await runRecipe(recipe, options());
    expect(r.steps[0]).toMatchObject({ status: 'skipped' });
    expect(r.steps[0]!.message).toMatch(/^Not for .+\.$/);
  });

  it('cancelling stops the step and leaves no remote process', async () => {
    const controller = new AbortController();
    const tag = `sleep ${1000 + (process.pid % 1000)}`;
    const recipe = recipeOf([{ id: 'slow', title: 'Slow', check: () => 'exit 1', apply: () => tag }]);
    const o = options({ signal: controller.signal });
    const run = runRecipe(recipe, o);
    await waitFor(() => spawnSync('pgrep', ['-f', tag]).status === 0);
    controller.abort();
    await expect(run).rejects.toThrow();
    await waitFor(() => spawnSync('pgrep', ['-f', tag]).status !== 0);
  });
});

describe('recipes API', () => {
  it('lists the built-in recipes with their steps', async () => {
    const list = await t.client.call('recipes.list', {});
    expect(list.map((r) => r.id)).toEqual(['base', 'docker', 'k8s-prereqs']);
    expect(list.find((r) => r.id === 'k8s-prereqs')?.steps.map((s) => s.id)).toContain('containerd-config');
  });

  it('runs the base recipe in check mode on this host: one job per node, live steps, nothing changed', async () => {
    const hostnameBefore = readFileSync('/etc/hostname', 'utf8');
    const seen: Events['recipes.step'][] = [];
    const off = t.client.subscribe('recipes.step', (e) => seen.push(e));
    const jobs = await t.client.call('nodes.runRecipe', { ids: [node.id, node.id], recipe: 'base', checkOnly: true });
    expect(jobs).toHaveLength(1);
    const job = await t.app.services.jobs.settled(jobs[0]!.id);
    off();
    expect(job.error).toBeNull();
    const result = job.result as RecipeRunResult;
    expect(result).toMatchObject({ recipe: 'base', nodeId: node.id, checkOnly: true });
    expect(result.summary.failed).toBe(0);
    // Node "local-1" is not this host's name: check mode says it would change it, and does not.
    expect(result.steps.find((s) => s.id === 'hostname')).toMatchObject({ status: 'changed' });
    expect(result.steps.find((s) => s.id === 'sudoers')).toMatchObject({ status: 'skipped' });
    expect(readFileSync('/etc/hostname', 'utf8')).toBe(hostnameBefore);
    expect(seen.filter((e) => e.jobId === job.id && e.step.status !== 'running').map((e) => e.step.id)).toEqual(result.steps.map((s) => s.id));
    const logs = await t.client.call('jobs.logs', { id: job.id });
    expect(logs.at(-1)?.line).toMatch(/^local-1: ok=\d+ changed=\d+ failed=0 skipped=\d+$/);
  });

  it('a failed step fails the job and keeps the step list as its result', async () => {
    const other = await t.client.call('nodes.create', { name: 'no-sshd', mac: '52:54:00:fa:c8:02', address: '127.0.0.1', sshPort: 1, sshUser: 'root', role: 'worker' });
    const [started] = await t.client.call('nodes.runRecipe', { ids: [other.id], recipe: 'docker' });
    const job = await t.app.services.jobs.settled(started!.id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('E_RECIPE_FAILED');
    const result = job.result as RecipeRunResult;
    expect(result.steps[0]).toMatchObject({ status: 'failed' });
    expect(result.steps[0]!.message).toMatch(/Connection refused by 127\.0\.0\.1:1/);
    expect(result.steps.slice(1).every((s) => s.status === 'skipped')).toBe(true);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
