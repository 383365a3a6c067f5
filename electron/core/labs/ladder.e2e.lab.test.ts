/**
 * The learning ladder, end to end: built-in labs 1–4 on ONE practice-rack node (bridged isolated
 * network, install-to-disk so lab 2's reboot and lab 4's volume mean something), driven through
 * the API as a learner drives the Labs page: "Make practice nodes" for lab 1, arm the install,
 * power on, SSH; then labs 2–4 started on that same node, each step performed over the app's own
 * SSH (nodes.runCommand: what the lab's terminal does) or the Stacks API, and "Check my work"
 * (labs.check) against the real node until every step passes and the lab completes.
 *
 * Where a step's `## Solution` is a plain shell script, the test runs exactly that text as
 * labs.solution returns it (placeholders filled), so every such solution is proven to work.
 * Two wrong turns are taken on purpose and must fail with the lab's hint: Check before arming the
 * install (lab 1), and nginx proxying to the wrong port (lab 2). Docker pulls `busybox` and
 * `nginx` through the lab registry (E1's docker-registry on the lab bridge's host address).
 * Each lab's duration is logged. Real QEMU under TCG: expect 15–30 minutes.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { skipLab } from '../testing/lab-gate';
import { labRegistryUnavailable, startLabRegistry, type LabRegistry } from '../testing/lab-registry';
import { vlabTestApp, type VlabTestApp } from '../vlab/test-vlab';
import { explain, Learner } from './testing/learner';
import { closeLeavingNothing, gate, importLabImage, labImageUnavailable, startBootServices } from './testing/practice-app';

const LABS_DIR = resolve(__dirname, '../../../assets/labs');
const INSTALL_TIMEOUT_MS = 480_000;
const REBOOT_TIMEOUT_MS = 420_000;

const skip = skipLab() || gate('ladder e2e', labImageUnavailable() ?? labRegistryUnavailable());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: VlabTestApp | undefined;
let registry: LabRegistry | undefined;
afterEach(async () => {
  registry?.stop();
  await t?.close();
  [registry, t] = [undefined, undefined];
});

/** A check's hint as the lab's step file says it (folded YAML: compared by its first words). */
function hintStart(labId: string, stepFile: string, checkId: string): string {
  const text = readFileSync(join(LABS_DIR, labId, 'steps', stepFile), 'utf8');
  const at = text.indexOf(`- id: ${checkId}\n`);
  const hint = /hint: >-\n\s+(.{20})/.exec(text.slice(at))?.[1];
  if (at < 0 || !hint) throw new Error(`no hint for ${checkId} in ${labId}/${stepFile}`);
  return hint;
}

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const value = await f();
  console.info(`ladder: ${label} completed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return value;
}

// ------------------------------------------------------------------------------ lab 1

async function lab1FirstBoot(app: VlabTestApp): Promise<Learner> {
  const labId = '01-first-boot';
  const job = await app.client.call('labs.startPractice', { labId });
  const settled = await app.app.services.jobs.settled(job.id);
  expect(settled.state, settled.error?.message).toBe('succeeded');
  const nodeId = (await app.client.call('labs.get', { labId })).run?.nodes.node;
  if (!nodeId) throw new Error('labs.startPractice started no run with a node for role "node"');
  const vm = (await app.client.call('vlab.status', {})).nodes.find((v) => v.nodeId === nodeId);
  expect(vm?.network, 'the practice node should be on the bridged lab network').toBe('bridged');
  const node = await app.client.call('nodes.get', { id: nodeId });
  expect(node.state).not.toMatch(/installing|installed/);
  const me = new Learner(app, nodeId);

  // Wrong turn: "Check my work" before arming the install.
  const early = await me.check(labId);
  expect(early).toMatchObject({ step: 0, passed: false, advanced: false });
  expect(early.results[0]).toMatchObject({ checkId: 'armed', status: 'fail' });
  expect(early.results[0]?.hint).toContain('Install to disk (practice rack image)');

  await app.client.call('nodes.install', { id: nodeId, profileId: 'install-to-disk', confirmName: node.name });
  await me.checkUntilPassed(labId, 0, 10_000);
  await app.client.call('vlab.start', { id: vm!.id });
  await me.checkUntilPassed(labId, 1, INSTALL_TIMEOUT_MS);
  // The timeline shows the node reboot from its disk and phone home from there: SSH is the
  // disk's system only after that second phone-home.
  await expect
    .poll(async () => (await app.client.call('events.list', { subjectId: nodeId, limit: 500 })).filter((e) => e.kind === 'boot.phone-home').length, {
      timeout: INSTALL_TIMEOUT_MS,
      interval: 3000,
      message: `${node.name} never phoned home from its disk`,
    })
    .toBeGreaterThanOrEqual(2);
  const last = await me.checkUntilPassed(labId, 2, 240_000);
  expect(last.results.map((r) => r.status)).toEqual(['pass', 'pass']);
  expect(await me.completedAt(labId)).not.toBeNull();
  expect((await me.run('findmnt -no SOURCE /')).stdout).toMatch(/^\/dev\/vda\d+$/m);
  return me;
}

// ------------------------------------------------------------------------------ lab 2

async function lab2WebServer(me: Learner): Promise<void> {
  const labId = '02-web-server';
  await me.client.call('labs.start', { labId, nodes: { web: me.nodeId } });
  await me.runSolution(labId, 0);
  await me.checkUntilPassed(labId, 0, 30_000);

  // Wrong turn: nginx proxying to a port nothing listens on.
  await me.run(`sudo tee /etc/nginx/sites-available/webapp >/dev/null <<'CONF'
server {
    listen 80 default_server;
    location / {
        proxy_pass http://127.0.0.1:8080;
    }
}
CONF
sudo rm -f /etc/nginx/sites-enabled/default
sudo ln -sf /etc/nginx/sites-available/webapp /etc/nginx/sites-enabled/webapp
sudo nginx -t && sudo systemctl start nginx`);
  const wrong = await me.check(labId);
  expect(wrong, explain(wrong)).toMatchObject({ step: 1, passed: false, advanced: false });
  const proxied = wrong.results.find((r) => r.checkId === 'proxied');
  expect(proxied, explain(wrong)).toMatchObject({ status: 'fail' });
  expect(proxied?.saw).toMatch(/502/);
  expect(proxied?.hint).toContain(hintStart(labId, '02-reverse-proxy.md', 'proxied'));
  expect(wrong.results.find((r) => r.checkId === 'proxy-pass')).toMatchObject({ status: 'fail', hint: expect.stringContaining('sudo nginx -T') });
  console.info(`ladder: the wrong proxy port failed as it should:\n${explain(wrong)}`);
  const saved = (await me.client.call('labs.get', { labId })).run?.steps[1]?.lastCheck;
  expect(saved).toMatchObject({ passed: false });

  await me.runSolution(labId, 1);
  await me.checkUntilPassed(labId, 1, 30_000);
  await me.runSolution(labId, 2);
  await me.checkUntilPassed(labId, 2, 30_000);

  // `sudo reboot` would cut the command's own SSH channel; systemd-run lets it return first.
  await me.run('sudo systemd-run --on-active=2 /bin/systemctl reboot');
  const after = await me.checkUntilPassed(labId, 3, REBOOT_TIMEOUT_MS);
  expect(after.results.map((r) => `${r.checkId}:${r.status}`)).toEqual(['rebooted:pass', 'app-after-boot:pass', 'serving-after-boot:pass']);
  expect(await me.completedAt(labId)).not.toBeNull();
}

// ------------------------------------------------------------------------------ lab 3

async function lab3Docker(me: Learner, registryHost: string): Promise<void> {
  const labId = '03-docker';
  await me.client.call('labs.start', { labId, nodes: { web: me.nodeId } });
  // Starting the lab pointed the node's Docker at the lab registry.
  expect((await me.run('cat /etc/docker/daemon.json')).stdout).toContain(`http://${registryHost}`);

  const user = (await me.client.call('nodes.get', { id: me.nodeId })).sshUser;
  await me.run(`sudo usermod -aG docker ${user}`);
  const stale = await me.check(labId);
  if (!stale.passed) {
    // Rackpilot's connection logged in before the usermod: the lab's classic surprise.
    expect(stale.results.find((r) => r.checkId === 'docker-answers'), explain(stale)).toMatchObject({ status: 'fail', hint: expect.stringContaining(`pkill -u ${user} sshd`) });
    // Log out everywhere (the command's own session included: hence after it returns).
    await me.run(`setsid -f sh -c 'sleep 1; sudo pkill -u ${user} sshd' >/dev/null 2>&1 </dev/null`);
    await sleep(3000);
    await me.checkUntilPassed(labId, 0, 60_000);
  }
  console.info(`ladder: docker group — ${stale.passed ? "Rackpilot's connection had already logged in again" : `the stale login was refused until ${user}'s sessions ended, as lab 3 says`}`);
  await me.runSolution(labId, 1);
  await me.checkUntilPassed(labId, 1, 60_000);
  await me.runSolution(labId, 2);
  await me.checkUntilPassed(labId, 2, 60_000);
  expect(await me.completedAt(labId)).not.toBeNull();
}

// ------------------------------------------------------------------------------ lab 4

/** The compose file exactly as step 1 of lab 4 shows it (the learner pastes it into Stacks). */
function composeFromLab(body: string): string {
  const block = /```yaml\n([\s\S]*?)```/.exec(body)?.[1];
  if (!block) throw new Error('lab 4 step 1 shows no compose file');
  const lines = block.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

async function deploy(me: Learner, op: 'apply' | 'down'): Promise<void> {
  const job = op === 'apply' ? await me.client.call('stacks.apply', { nodeId: me.nodeId, name: 'notes' }) : await me.client.call('stacks.down', { nodeId: me.nodeId, name: 'notes' });
  const settled = await me.app.app.services.jobs.settled(job.id);
  expect(settled.state, `stacks.${op}: ${settled.error?.message ?? ''}`).toBe('succeeded');
}

async function lab4Compose(me: Learner): Promise<void> {
  const labId = '04-compose';
  const detail = await me.client.call('labs.start', { labId, nodes: { web: me.nodeId } });
  const compose = composeFromLab(detail.steps[0]!.body);
  await me.client.call('stacks.save', { nodeId: me.nodeId, name: 'notes', files: { compose } });
  await deploy(me, 'apply');
  await me.checkUntilPassed(labId, 0, 60_000);
  await me.runSolution(labId, 1);
  await me.checkUntilPassed(labId, 1, 30_000);
  await deploy(me, 'down');
  await deploy(me, 'apply');
  const last = await me.checkUntilPassed(labId, 2, 60_000);
  expect(last.results.every((r) => r.status === 'pass')).toBe(true);
  const log = (await me.run('docker exec notes-app-1 cat /data/log.txt')).stdout;
  expect(log.match(/^app started/gm)?.length).toBe(2);
  expect(await me.completedAt(labId)).not.toBeNull();
}

// ------------------------------------------------------------------------------ the ladder

describe.skipIf(skip)('learning ladder: labs 1–4 on one practice node (root, QEMU TCG, the real lab image, the lab registry)', () => {
  it('boots a node for lab 1, then does labs 2–4 on it like a learner: every check passes, wrong turns fail with their hints', { timeout: 3_600_000 }, async () => {
    t = vlabTestApp({ accelerator: 'tcg' });
    const app = t;
    await importLabImage(app);
    await startBootServices(app);

    const me = await timed('lab 1 (first boot: practice node → PXE → install to disk → SSH)', () => lab1FirstBoot(app));
    await timed('lab 2 (web server: process, nginx reverse proxy, systemd service, reboot)', () => lab2WebServer(me));

    const hostAddress = (await app.client.call('vlab.status', {})).network.bridged?.hostAddress;
    if (!hostAddress) throw new Error('the bridged lab network reports no host address');
    registry = await startLabRegistry({ address: hostAddress });
    await app.client.call('settings.update', { labRegistry: registry.host });

    await timed('lab 3 (docker: app container, nginx container on a user-defined network)', () => lab3Docker(me, registry!.host));
    await timed('lab 4 (compose stack with a named volume, down/up)', () => lab4Compose(me));

    await closeLeavingNothing(app, () => {
      t = undefined;
    });
  });
});
