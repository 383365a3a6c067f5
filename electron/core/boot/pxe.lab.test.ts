/**
 * The boot path on a real (virtual) wire: QEMU nodes PXE-boot from Rackpilot's own DHCP, TFTP and
 * HTTP services on a namespaced lab network, checked from the nodes' serial consoles and from
 * their timelines. (Installing a whole OS is the practice rack's lab test.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabNet, type LabNet } from '../testing/lab-net';
import { skipLab } from '../testing/lab-gate';
import { startQemuNode, type QemuNode } from '../testing/qemu-node';
import { freePort } from '../testing/sshd';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';

const skip = skipLab();
let lab: LabNet;
let t: TempApp;
const nodes: QemuNode[] = [];
const dir = tempDir('rackpilot-pxe-');

async function timeline(nodeId: string): Promise<string> {
  return (await t.client.call('events.list', { subjectId: nodeId, limit: 200 })).map((e) => `${e.kind} ${e.summary}`).reverse().join('\n');
}

describe.skipIf(skip)('PXE boot of QEMU nodes from Rackpilot (full DHCP on an isolated lab network)', () => {
  beforeAll(async () => {
    lab = createLabNet('pxe');
    t = createTempApp();
    await t.client.call('boot.configure', {
      mode: 'dhcp',
      serverAddress: lab.hostAddress,
      interfaceName: lab.hostIf,
      ports: { dhcp: 67, proxy: 4011, tftp: 69, http: await freePort() },
      dhcpPool: { start: `${lab.subnet}.100`, end: `${lab.subnet}.150`, subnetMask: '255.255.255.0', router: '', dns: [], leaseSeconds: 600 },
    });
    const status = await t.client.call('boot.start', {});
    const down = status.services.filter((s) => s.state !== 'listening');
    expect(down.map((s) => `${s.name}: ${s.error?.message}`)).toEqual([]);
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await t?.close();
    lab?.destroy();
  });

  it('UEFI firmware: DHCP → TFTP ipxe.efi → iPXE → HTTP boot script, all on the timeline', async () => {
    const node = await t.client.call('nodes.create', { name: 'uefi-1', mac: '52:54:00:5e:00:01' });
    await t.client.call('nodes.install', { id: node.id, profileId: 'live-image', confirmName: 'uefi-1' });
    const vm = startQemuNode({ ns: lab.ns, tap: lab.addTap(), mac: node.mac, firmware: 'uefi', dir });
    nodes.push(vm);
    await vm.waitForSerial(/NBP file downloaded successfully/, 90_000);
    await vm.waitForSerial(/boot\.ipxe/, 90_000);
    await expect.poll(() => timeline(node.id), { timeout: 30_000, interval: 500 }).toMatch(/boot\.http .*boot\.ipxe/);
    const text = await timeline(node.id);
    expect(text).toMatch(/boot\.dhcp DHCP offer to 52:54:00:5e:00:01: boot ipxe\.efi/);
    expect(text).toMatch(/boot\.tftp TFTP to [\d.]+: sent ipxe\.efi/);
    expect(text).toMatch(/boot\.dhcp .*boot http:\/\/.*\/boot\.ipxe\?mac=52:54:00:5e:00:01/);
    expect((await t.client.call('nodes.get', { id: node.id })).firmware).toBe('uefi');
  });

  it('a node whose install is not armed gets no boot answer, and an unknown MAC is recorded as discovered', async () => {
    const known = await t.client.call('nodes.create', { name: 'installed-1', mac: '52:54:00:5e:00:02' });
    const vm = startQemuNode({ ns: lab.ns, tap: lab.addTap(), mac: known.mac, firmware: 'bios', dir });
    const stranger = startQemuNode({ ns: lab.ns, tap: lab.addTap(), mac: '52:54:00:5e:00:03', firmware: 'bios', dir });
    nodes.push(vm, stranger);
    await expect.poll(() => timeline(known.id), { timeout: 60_000, interval: 500 }).toMatch(/PXE request not answered/);
    await expect
      .poll(async () => (await t.client.call('nodes.list', {})).find((n) => n.mac === '52:54:00:5e:00:03')?.state, { timeout: 60_000, interval: 500 })
      .toBe('discovered');
  });
});
