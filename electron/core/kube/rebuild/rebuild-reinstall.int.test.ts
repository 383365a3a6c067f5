/**
 * The rebuild's OS-reinstall path (issue 7 §7) on a one-node stand-in rack: the install is armed
 * with the node's profile, the node is rebooted over SSH (the stand-in systemctl records the
 * reboot instead of rebooting this machine), the rebuild waits for the phone-home, provisions
 * with the base recipe, bootstraps again and re-applies nothing (no stacks). The installer's
 * phone-home is played by the test through the boot inventory with the node's real seed token —
 * exactly what the boot HTTP server does when cloud-init posts it (tested in the boot tier).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../../shared/domain/job';
import type { Node } from '../../../../shared/domain/node';
import { requireStandInRack, startStandInRack, type StandInRack } from '../../testing/kube-rack';
import { createTempApp, type TempApp } from '../../testing/temp-app';
import { waitFor } from '../../testing/wait-for';

const skip = requireStandInRack();
const CLUSTER = 'solo';
/** A bootstrap and a rebuild on the stand-in rack take a while on a loaded machine. */
const waitLong = <T>(what: string, probe: () => Promise<T | null | undefined | false>) => waitFor(what, probe, 180_000);

describe.skipIf(skip)('rebuild with OS reinstall (stand-in kubeadm, stand-in reboot, real sshd node)', () => {
  let rack: StandInRack;
  let t: TempApp;
  let node: Node;

  beforeAll(async () => {
    rack = await startStandInRack({ tag: 'rbld', nodes: [{ name: 'solo-1' }] });
    t = createTempApp();
    rack.authorize((await t.client.call('ssh.publicKey', {}))!.authorizedKey);
    const n = rack.nodes[0]!;
    const created = await t.client.call('nodes.create', { name: n.name, mac: '52:54:00:7b:00:01', address: n.address, sshUser: rack.user });
    // The node was installed with a profile once (an armed-then-cancelled install records it;
    // arming drops the pins, so the key is accepted afterwards).
    await t.client.call('nodes.install', { id: created.id, profileId: 'live-image', confirmName: n.name });
    await t.client.call('nodes.cancelInstall', { id: created.id });
    const scan = await t.client.call('nodes.scanHostKey', { id: created.id });
    node = await t.client.call('nodes.acceptHostKey', { id: created.id, fingerprint: scan.presented.fingerprint });
    expect(node.profileId).toBe('live-image');
    await t.client.call('clusters.save', { spec: { name: CLUSTER, controlPlane: [node.id] } });
    const boot = await t.client.call('clusters.bootstrap', { name: CLUSTER });
    const done = await waitLong('the bootstrap', async () => {
      const j = await t.client.call('jobs.get', { id: boot.id });
      return j.state === 'running' ? null : j;
    });
    expect(done.state, done.error?.message).toBe('succeeded');
  }, 300_000);

  afterAll(async () => {
    await t?.close();
    await rack?.stop();
  }, 60_000);

  it('arms the install, reboots the node, waits for its phone-home, provisions and bootstraps again', async () => {
    const job: Job = await t.client.call('clusters.rebuild', { name: CLUSTER, confirmName: CLUSTER, reinstall: true, reapplyStacks: true });
    expect(job.title).toMatch(/with OS reinstall/);

    // The install is armed (netboot on, old pins dropped) and the node is asked to reboot.
    const armed = await waitLong('the install to be armed', async () => {
      const n = await t.client.call('nodes.get', { id: node.id });
      return n.state === 'installing' && n.netboot ? n : null;
    });
    expect(armed.hostKeys).toEqual([]);
    await waitLong('the reboot', async () => rack.calls({ node: 'solo-1', tool: 'systemctl' }).some((c) => c.args.includes('reboot')));
    expect((await t.client.call('jobs.get', { id: job.id })).phase).toBe('Phone home');

    // The "installer" phones home with the node's host key and its seed token.
    const { db, bootInventory } = t.app.services;
    const token = db.prepare<[string], { seed_token: string }>('SELECT seed_token FROM nodes WHERE id = ?').get(node.id)!.seed_token;
    bootInventory.phoneHome(node.id, token, [rack.nodes[0]!.hostKey], { hostname: 'solo-1' });

    const finished = await waitFor('the rebuild', async () => {
      const j = await t.client.call('jobs.get', { id: job.id });
      return j.state === 'running' ? null : j;
    }, 300_000);
    const log = (await t.client.call('jobs.logs', { id: job.id, limit: 5000 })).map((l) => l.line).join('\n');
    expect(finished.state, `${finished.error?.message}\n${log.slice(-3000)}`).toBe('succeeded');
    expect(log).toMatch(/install of profile live-image armed/);
    expect(log).toMatch(/Every node phoned home/);
    expect(log).toMatch(/Provisioning › |Base system/);
    expect(await t.client.call('clusters.get', { name: CLUSTER })).toMatchObject({ state: 'ready', rebuild: { step: 'done', reinstall: true } });
    expect((await t.client.call('nodes.get', { id: node.id })).state).toBe('installed');
    const status = await t.client.call('clusters.status', { name: CLUSTER });
    expect(status.nodes.map((n) => [n.name, n.ready])).toEqual([['solo-1', true]]);
  }, 400_000);
});
