/**
 * A lab reset that reinstalls its node (manifest `reset: reinstall`), on a one-node stand-in rack:
 * the reset job arms the install with the node's profile, reboots it over SSH (the stand-in
 * systemctl records the reboot instead of rebooting this machine), waits for the phone-home and
 * for the node to answer over SSH, then clears the progress and records step 0 afresh. The
 * installer's phone-home is played by the test through the boot inventory with the node's real
 * seed token — what the boot HTTP server does when cloud-init posts it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../../../shared/domain/node';
import { ErrorCode } from '../../../shared/errors';
import { requireStandInRack, startStandInRack, type StandInRack } from '../testing/kube-rack';
import { rejection } from '../testing/rejection';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';
import { waitFor } from '../testing/wait-for';

const skip = requireStandInRack();
const LAB = 'rp-fresh';

function writeLab(root: string): void {
  const dir = join(root, LAB);
  mkdirSync(join(dir, 'steps'), { recursive: true });
  writeFileSync(
    join(dir, 'lab.yaml'),
    `id: ${LAB}\ntitle: Fresh node lab\nsummary: Reset reinstalls the node from its profile.\norder: 901\nestimatedMinutes: 5\nnodes:\n  - role: box\n    description: The node that gets reinstalled.\n    persistent: true\nreset: reinstall\nsteps:\n  - steps/01-only.md\n`,
  );
  writeFileSync(join(dir, 'steps', '01-only.md'), '---\ntitle: Nothing to do\n---\nJust check.\n');
}

describe.skipIf(skip)('lab reset with reinstall (stand-in reboot, real sshd node)', () => {
  const userLabsDir = tempDir('rackpilot-user-labs-');
  let rack: StandInRack;
  let t: TempApp;
  let node: Node;

  beforeAll(async () => {
    writeLab(userLabsDir);
    rack = await startStandInRack({ tag: 'labr', nodes: [{ name: 'box-1' }] });
    t = createTempApp(undefined, { userLabsDir });
    rack.authorize((await t.client.call('ssh.publicKey', {}))!.authorizedKey);
    const n = rack.nodes[0]!;
    const created = await t.client.call('nodes.create', { name: n.name, mac: '52:54:00:7c:00:01', address: n.address, sshUser: rack.user });
    // Installed with a profile once (an armed-then-cancelled install records it).
    await t.client.call('nodes.install', { id: created.id, profileId: 'live-image', confirmName: n.name });
    await t.client.call('nodes.cancelInstall', { id: created.id });
    const scan = await t.client.call('nodes.scanHostKey', { id: created.id });
    node = await t.client.call('nodes.acceptHostKey', { id: created.id, fingerprint: scan.presented.fingerprint });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await rack?.stop();
    rmSync(userLabsDir, { recursive: true, force: true });
  }, 60_000);

  it('arms the install, reboots the node, waits for its phone-home, then starts the lab afresh', async () => {
    await t.client.call('labs.start', { labId: LAB, nodes: { box: node.id } });
    expect((await t.client.call('labs.check', { labId: LAB })).advanced).toBe(true);
    expect((await t.client.call('labs.get', { labId: LAB })).run?.completedAt).not.toBeNull();
    const refused = await rejection(t.client.call('labs.reset', { labId: LAB, confirmName: 'box-1' }));
    expect(refused.code).toBe(ErrorCode.ConfirmationRequired);
    expect(refused.message).toMatch(/reinstalls its nodes/);

    const job = await t.client.call('labs.reset', { labId: LAB, confirmName: LAB });
    expect(job.phases).toEqual(['Clearing progress', 'Reinstalling nodes', 'Waiting for the nodes']);
    await waitFor('the reboot', async () => rack.calls({ node: 'box-1', tool: 'systemctl' }).some((c) => c.args.includes('reboot')));
    expect((await t.client.call('nodes.get', { id: node.id })).state).toBe('installing');
    const during = await t.client.call('labs.get', { labId: LAB });
    expect(during.run).toMatchObject({ resetJobId: job.id, completedAt: null });
    // Busy while it reinstalls: no checks, no second reset, no stop.
    expect((await rejection(t.client.call('labs.stop', { labId: LAB }))).code).toBe(ErrorCode.Conflict);
    await waitFor('the wait phase', async () => (await t.client.call('jobs.get', { id: job.id })).phase === 'Waiting for the nodes');

    const { db, bootInventory } = t.app.services;
    const token = db.prepare<[string], { seed_token: string }>('SELECT seed_token FROM nodes WHERE id = ?').get(node.id)!.seed_token;
    bootInventory.phoneHome(node.id, token, [rack.nodes[0]!.hostKey], { hostname: 'box-1' });

    const done = await waitFor('the reset', async () => {
      const j = await t.client.call('jobs.get', { id: job.id });
      return j.state === 'running' ? null : j;
    });
    const log = (await t.client.call('jobs.logs', { id: job.id, limit: 500 })).map((l) => l.line).join('\n');
    expect(done.state, `${done.error?.message}\n${log}`).toBe('succeeded');
    expect(log).toMatch(/install of profile live-image armed/);
    expect(log).toMatch(/box-1 is installed and answers over SSH/);
    const after = await t.client.call('labs.get', { labId: LAB });
    expect(after.run).toMatchObject({ resetJobId: null, completedAt: null, currentStep: 0, nodes: { box: node.id } });
    expect(after.run?.steps[0]?.reachedAt).not.toBeNull();
    expect(Object.keys(after.run?.steps[0]?.bootIds ?? {})).toEqual(['box']);
    expect((await t.client.call('nodes.get', { id: node.id })).state).toBe('installed');
  }, 180_000);
});
