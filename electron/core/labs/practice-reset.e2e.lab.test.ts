/**
 * "Make practice nodes" and "Reset (reinstall)" for real, on ONE practice-rack node (QEMU TCG,
 * the bridged lab network, the live image: the fastest boot, and one that keeps nothing across a
 * reboot — so a reinstall visibly starts the learner afresh).
 *
 * The lab is a user lab the test writes into the app's user-labs dir: one non-persistent role,
 * `practiceStart: installed`, `reset: reinstall`, a first step whose `command` check reads a note
 * the learner writes in their home, and a second step with nothing to check (so "back at step 0"
 * after the reset means something). Flow, through the API as the Labs page drives it:
 * labs.startPractice → the job creates the node, arms the install, powers it on, waits for its
 * phone-home and SSH, starts the run → the learner writes the note (nodes.runCommand), the check
 * passes → labs.reset refuses a wrong confirm name, then with the lab id re-arms the install,
 * resets the VM through its power driver and waits for it again → new boot id, the note is gone,
 * the run is back at step 0 with nothing done, and the check fails with its hint. Closing the app
 * leaves no QEMU and no lab namespace. Each job's duration is logged. Expect 5–10 minutes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { Job } from '../../../shared/domain/job';
import { skipLab } from '../testing/lab-gate';
import { rejection } from '../testing/rejection';
import { tempDir } from '../testing/temp-app';
import { vlabTestApp, type VlabTestApp } from '../vlab/test-vlab';
import { explain, Learner } from './testing/learner';
import { closeLeavingNothing, gate, importLabImage, labImageUnavailable, startBootServices } from './testing/practice-app';

const LAB = 'rp-practice-reset';
const NOTE = '~/practice-note.txt';
const NOTE_TEXT = 'hello from the learner';
const HINT = 'Write the note into your home folder on the node, then check again.';
/** Job timeouts: the jobs themselves wait up to the app's install timeout (20 min by default). */
const JOB_TIMEOUT_MS = 900_000;

const skip = skipLab() || gate('practice/reset e2e', labImageUnavailable());

let t: VlabTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The user lab, in the format a contributor writes (assets/labs/README.md). */
function writeLab(root: string): void {
  const dir = join(root, LAB);
  mkdirSync(join(dir, 'steps'), { recursive: true });
  writeFileSync(
    join(dir, 'lab.yaml'),
    `id: ${LAB}
title: Practice node and a fresh start
summary: One live practice node; a reset reinstalls it, so whatever the learner left on it is gone.
order: 950
estimatedMinutes: 10
nodes:
  - role: box
    description: A node running the live image (nothing survives a reboot).
reset: reinstall
practiceStart: installed
steps:
  - steps/01-note.md
  - steps/02-done.md
`,
  );
  writeFileSync(
    join(dir, 'steps', '01-note.md'),
    `---
title: Leave a note
checks:
  - id: note
    title: "${NOTE} on {{nodes.box.name}} says hello"
    kind: command
    node: box
    run: cat ${NOTE}
    stdoutMatches: ^${NOTE_TEXT}$
    hint: ${HINT}
---
Write \`${NOTE_TEXT}\` into \`${NOTE}\` on {{nodes.box.name}}.
`,
  );
  writeFileSync(join(dir, 'steps', '02-done.md'), '---\ntitle: Nothing more to do\n---\nThat was all.\n');
}

async function settledJob(app: VlabTestApp, job: Job, label: string): Promise<{ seconds: number; log: string }> {
  const started = Date.now();
  const settled = await Promise.race([
    app.app.services.jobs.settled(job.id),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${label} did not finish within ${JOB_TIMEOUT_MS / 1000} s`)), JOB_TIMEOUT_MS).unref()),
  ]);
  const seconds = (Date.now() - started) / 1000;
  const log = (await app.client.call('jobs.logs', { id: job.id, limit: 500 })).map((l) => l.line).join('\n');
  expect(settled.state, `${label}: ${settled.error?.message ?? ''}\n${log}`).toBe('succeeded');
  console.info(`practice/reset: ${label} succeeded in ${seconds.toFixed(1)} s`);
  return { seconds, log };
}

const bootId = async (me: Learner) => (await me.run('cat /proc/sys/kernel/random/boot_id')).stdout.trim();

describe.skipIf(skip)('practice nodes and a reinstalling reset (root, QEMU TCG, the real lab image)', () => {
  it('labs.startPractice installs a live node and starts the run; labs.reset reinstalls it: new boot, the note gone, back at step 0', { timeout: 2_400_000 }, async () => {
    const userLabsDir = tempDir('rackpilot-user-labs-');
    writeLab(userLabsDir);
    t = vlabTestApp({ accelerator: 'tcg' }, undefined, { userLabsDir });
    const app = t;
    const catalog = await app.client.call('labs.list', {});
    expect(catalog.broken, JSON.stringify(catalog.broken)).toEqual([]);
    expect(catalog.labs.map((l) => l.id)).toContain(LAB);
    await importLabImage(app);
    await startBootServices(app);

    // ---------------------------------------------------------------- make practice nodes
    const practice = await app.client.call('labs.startPractice', { labId: LAB });
    expect(practice.phases).toEqual(['Creating nodes', 'Installing', 'Starting the lab']);
    const made = await settledJob(app, practice, 'labs.startPractice (create, install the live image, phone home, SSH, start the run)');
    const started = await app.client.call('labs.get', { labId: LAB });
    const nodeId = started.run?.nodes.box;
    if (!nodeId) throw new Error(`labs.startPractice started no run with a node for role "box":\n${made.log}`);
    const node = await app.client.call('nodes.get', { id: nodeId });
    expect(node).toMatchObject({ state: 'installed', netboot: false, profileId: 'live-image' });
    expect(made.log).toContain(`box: created ${node.name} (live-image)`);
    expect(made.log).toContain(`${node.name} is installed and answers over SSH`);
    const vm = (await app.client.call('vlab.status', {})).nodes.find((v) => v.nodeId === nodeId);
    expect(vm, 'the practice node should be a practice-rack VM on the bridged lab network').toMatchObject({ network: 'bridged' });
    expect(started.run).toMatchObject({ currentStep: 0, completedAt: null });
    const me = new Learner(app, nodeId);
    const firstBoot = await bootId(me);
    expect(started.run?.steps[0]?.bootIds).toEqual({ box: firstBoot });

    // The check can fail: nothing written yet.
    const before = await me.check(LAB);
    expect(before, explain(before)).toMatchObject({ step: 0, passed: false, advanced: false });
    expect(before.results[0]).toMatchObject({ checkId: 'note', status: 'fail', hint: expect.stringContaining(HINT) });

    await me.run(`echo '${NOTE_TEXT}' > ${NOTE}`);
    const passed = await me.check(LAB);
    expect(passed, explain(passed)).toMatchObject({ step: 0, passed: true, advanced: true });
    const progressed = (await app.client.call('labs.get', { labId: LAB })).run;
    expect(progressed?.currentStep).toBe(1);
    expect(progressed?.steps[0]?.completedAt).not.toBeNull();

    // ---------------------------------------------------------------- reset, reinstalling
    const refused = await rejection(app.client.call('labs.reset', { labId: LAB, confirmName: node.name }));
    expect(refused.code).toBe(ErrorCode.ConfirmationRequired);
    expect(refused.message).toMatch(/reinstalls its nodes/);
    expect((await app.client.call('nodes.get', { id: nodeId })).state, 'a refused reset touched the node').toBe('installed');

    // A practice-rack VM has a power driver that can reset it: the reset goes through QEMU, not SSH.
    expect((await app.client.call('nodes.powerStatus', { id: nodeId })).actions).toContain('reset');
    const mark = (await app.client.call('events.list', { subjectId: nodeId, limit: 1 }))[0]?.id ?? 0;
    const resetAt = new Date().toISOString();
    const reset = await app.client.call('labs.reset', { labId: LAB, confirmName: LAB });
    expect(reset.phases).toEqual(['Clearing progress', 'Reinstalling nodes', 'Waiting for the nodes']);
    const { log } = await settledJob(app, reset, 'labs.reset (re-arm the live image, power reset, phone home, SSH)');
    expect(log).toContain(`${node.name}: install of profile live-image armed; rebooting it into the network boot`);
    expect(log).toContain(`${node.name} is installed and answers over SSH`);

    // Its timeline: the install armed again, then a fresh phone-home from the network-booted image.
    const since = (await app.client.call('events.list', { subjectId: nodeId, limit: 500 })).filter((e) => e.id > mark).reverse();
    const kinds = since.map((e) => e.kind);
    expect(kinds, since.map((e) => `${e.kind} ${e.summary}`).join('\n')).toContain('boot.install-requested');
    expect(kinds.indexOf('boot.phone-home')).toBeGreaterThan(kinds.indexOf('boot.install-requested'));
    expect(await app.client.call('nodes.get', { id: nodeId })).toMatchObject({ state: 'installed', netboot: false, profileId: 'live-image' });

    const secondBoot = await bootId(me);
    expect(secondBoot, 'the node did not boot again').not.toBe(firstBoot);
    expect((await me.run(`test ! -e ${NOTE} && echo gone`)).stdout.trim()).toBe('gone');

    const after = (await app.client.call('labs.get', { labId: LAB })).run;
    expect(after).toMatchObject({ currentStep: 0, completedAt: null, resetJobId: null, nodes: { box: nodeId } });
    expect(after?.steps.map((s) => s.completedAt)).toEqual([null, null]);
    expect(Date.parse(after?.steps[0]?.reachedAt ?? ''), 'step 0 not reached afresh').toBeGreaterThanOrEqual(Date.parse(resetAt));
    expect(after?.steps[0]?.bootIds).toEqual({ box: secondBoot });

    const failing = await me.check(LAB);
    expect(failing, explain(failing)).toMatchObject({ step: 0, passed: false, advanced: false });
    expect(failing.results[0]).toMatchObject({ checkId: 'note', status: 'fail', hint: expect.stringContaining(HINT) });

    await closeLeavingNothing(app, () => {
      t = undefined;
    });
  });
});
