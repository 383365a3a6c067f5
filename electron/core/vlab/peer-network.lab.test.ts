/**
 * The rootless practice rack's node-to-node network, for real: two virtual nodes booted from the
 * app with the `live-image` profile (the lab image built on this machine) take the peer address
 * Rackpilot assigned them from the network-config it renders — which the image's cloud-init
 * (22.4) reads from the kernel command line, since it never fetches the seed's copy over HTTP —
 * and ping each other on it, over QEMU's shared socket network that nothing but the nodes is on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BulkCommandResult } from '../../../shared/domain/command';
import type { Node } from '../../../shared/domain/node';
import type { VirtualNode } from '../../../shared/domain/vlab';
import { skipLab } from '../testing/lab-gate';
import { labImage } from '../testing/lab-vm';
import { freePort } from '../testing/sshd';
import { vlabTestApp, vmPids, type VlabTestApp } from './test-vlab';

const skip = skipLab() || noImage();
/** Power-on → phone-home under TCG is ~75–120 s per node; two nodes share the machine's cores. */
const PHONE_HOME_TIMEOUT_MS = 420_000;

function noImage(): boolean {
  if (labImage()) return false;
  const why = 'no lab image: run scripts/build-lab-image.sh (scripts/setup-system.sh does)';
  if (process.env.CI) throw new Error(`peer network lab test cannot run under CI: ${why}`);
  console.warn(`peer network lab test skipped: ${why}`);
  return true;
}

let t: VlabTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** One shell command on each node through the app's own SSH (the host keys pinned at phone-home). */
async function run(app: VlabTestApp, nodes: Node[], command: string, sudo = false): Promise<Record<string, { exitCode: number | null; stdout: string; stderr: string }>> {
  const job = await app.client.call('nodes.runCommand', { ids: nodes.map((n) => n.id), command, sudo });
  const result = (await app.app.services.jobs.settled(job.id)).result as BulkCommandResult;
  return Object.fromEntries(result.results.map((r) => [r.name, { exitCode: r.exitCode, stdout: r.stdout, stderr: r.error?.message ?? r.stderr }]));
}

async function waitInstalled(app: VlabTestApp, vm: VirtualNode): Promise<Node> {
  const deadline = Date.now() + PHONE_HOME_TIMEOUT_MS;
  for (;;) {
    const node = await app.client.call('nodes.get', { id: vm.nodeId ?? '' });
    if (node.state === 'installed') return node;
    if (node.state === 'failed' || Date.now() > deadline) {
      const console = (await app.client.call('vlab.console', { id: vm.id, tailBytes: 4000 })).text;
      throw new Error(`${vm.name} did not phone home (state ${node.state}); console tail:\n${console}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe.skipIf(skip)('rootless peer network (QEMU TCG, the real lab image)', () => {
  it('two live nodes take their peer addresses from Rackpilot’s network-config and ping each other on them', { timeout: 900_000 }, async () => {
    t = vlabTestApp({ accelerator: 'tcg' });
    const app = t;
    const jobs = await app.client.call('vlab.useLabImage', {});
    expect((await Promise.all(jobs.map((j) => app.app.services.jobs.settled(j.id)))).map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // Boot services on loopback: rootless nodes reach them at 10.0.2.2.
    const ports = { dhcp: await freePort(), proxy: await freePort(), tftp: await freePort(), http: await freePort() };
    await app.client.call('boot.configure', { mode: 'proxy', serverAddress: '127.0.0.1', interfaceName: 'lo', ports });
    await app.client.call('boot.start', {});

    const vms = await app.client.call('vlab.create', { count: 2, firmware: 'bios', memoryMb: 1536, diskGb: 1, namePrefix: 'peer' });
    const [a, b] = vms;
    if (!a?.peer || !b?.peer) throw new Error('rootless nodes were created without a peer NIC');
    expect(a.peer.address).not.toBe(b.peer.address);
    for (const vm of vms) await app.client.call('nodes.install', { id: vm.nodeId ?? '', profileId: 'live-image', confirmName: vm.name });
    const started = Date.now();
    await Promise.all(vms.map((vm) => app.client.call('vlab.start', { id: vm.id })));
    const nodes = await Promise.all(vms.map((vm) => waitInstalled(app, vm)));
    console.info(`peer network: both nodes phoned home ${((Date.now() - started) / 1000).toFixed(1)} s after power-on`);

    // Each node: the peer NIC (found by its MAC) carries exactly the assigned address, and no default route.
    const facts = await run(app, nodes, 'ip -o -4 addr show; echo ---; ip -o link show; echo ---; ip -4 route show default; echo ---; grep -o "Applying network configuration from [a-z]*" /var/log/cloud-init.log');
    for (const vm of vms) {
      const out = facts[vm.name];
      expect(out?.exitCode, out?.stderr).toBe(0);
      const [addrs = '', links = '', routes = '', applied = ''] = (out?.stdout ?? '').split('---\n');
      // Rackpilot's config, not the initramfs's (ip=dhcp) nor cloud-init's fallback.
      expect(applied.trim().split('\n')).toEqual(['Applying network configuration from cmdline', 'Applying network configuration from cmdline']);
      const link = links.split('\n').find((l) => l.includes(`link/ether ${vm.peer?.mac}`));
      const ifname = link ? /^\d+: ([^:@]+)/.exec(link)?.[1] : undefined;
      expect(ifname, `no NIC with the peer MAC ${vm.peer?.mac} on ${vm.name}:\n${links}`).toBeTruthy();
      expect(addrs).toMatch(new RegExp(`^\\d+: ${ifname}\\s+inet ${vm.peer?.address.replace(/\./g, '\\.')}/24 `, 'm'));
      expect(routes).not.toContain(`dev ${ifname}`);
    }

    // Each pings the other across the nodes' own network (the lab image has busybox's ping, as root).
    const ping = (to: string) => `if command -v ping >/dev/null; then ping -c 3 -W 5 ${to}; else busybox ping -c 3 -W 5 ${to}; fi`;
    const pings = await Promise.all([run(app, [nodes[0]!], ping(b.peer.address), true), run(app, [nodes[1]!], ping(a.peer.address), true)]);
    for (const [i, vm] of vms.entries()) {
      const result = pings[i]?.[vm.name];
      expect(result?.exitCode, `${vm.name} → its peer: ${result?.stdout} ${result?.stderr}`).toBe(0);
      expect(result?.stdout).toMatch(/3 packets transmitted, 3 (packets )?received/);
    }

    for (const vm of vms) await app.client.call('vlab.stop', { id: vm.id, force: true });
    for (const vm of vms) expect(vmPids(vm.id)).toEqual([]);
  });
});
