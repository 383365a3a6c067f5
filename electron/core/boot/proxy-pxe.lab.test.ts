/**
 * The home-LAN shape (DESIGN §5.2, §8): a router's DHCP server (dnsmasq, addresses only) on the
 * lab network, and Rackpilot beside it as proxyDHCP — the default mode. UEFI (OVMF's own PXE)
 * and BIOS (SeaBIOS + iPXE ROM) nodes boot Rackpilot's script without Rackpilot handing out
 * a single address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabNet, type LabNet } from '../testing/lab-net';
import { skipLab } from '../testing/lab-gate';
import { startQemuNode, type QemuNode } from '../testing/qemu-node';
import { freePort } from '../testing/sshd';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';

const skip = skipLab();
let lab: LabNet;
let t: TempApp;
let router: ChildProcess | undefined;
let routerLog = '';
const vms: QemuNode[] = [];
const dir = tempDir('rackpilot-proxy-pxe-');

async function timeline(nodeId: string): Promise<string> {
  return (await t.client.call('events.list', { subjectId: nodeId, limit: 200 })).map((e) => `${e.kind} ${e.summary}`).reverse().join('\n');
}

describe.skipIf(skip)('PXE boot through proxyDHCP beside a home router (dnsmasq gives the addresses)', () => {
  beforeAll(async () => {
    lab = createLabNet('prox');
    // The "router": dnsmasq inside the lab namespace on the bridge, DHCP only, no boot options.
    const { execFileSync } = await import('node:child_process');
    execFileSync('ip', ['-n', lab.ns, 'addr', 'add', `${lab.subnet}.254/24`, 'dev', 'br0']);
    router = spawn('ip', ['netns', 'exec', lab.ns, 'dnsmasq', '--no-daemon', '--port=0', '--interface=br0', '--bind-interfaces',
      `--dhcp-range=${lab.subnet}.50,${lab.subnet}.99,12h`, `--dhcp-leasefile=${join(dir, 'router.leases')}`, `--pid-file=${join(dir, 'router.pid')}`, '--log-dhcp'], { stdio: ['ignore', 'pipe', 'pipe'] });
    router.stderr?.on('data', (d: Buffer) => (routerLog += d.toString()));
    t = createTempApp();
    await t.client.call('boot.configure', {
      mode: 'proxy',
      serverAddress: lab.hostAddress,
      interfaceName: lab.hostIf,
      ports: { dhcp: 67, proxy: 4011, tftp: 69, http: await freePort() },
    });
    const status = await t.client.call('boot.start', {});
    expect(status.services.filter((s) => s.state !== 'listening').map((s) => `${s.name}: ${s.error?.message}`)).toEqual([]);
  });

  afterAll(async () => {
    await Promise.all(vms.map((v) => v.stop()));
    router?.kill();
    await t?.close();
    lab?.destroy();
    writeFileSync(join(dir, 'router.log'), routerLog);
  });

  it.each([
    ['uefi', '52:54:00:5e:01:01'],
    ['bios', '52:54:00:5e:01:02'],
  ] as const)('%s node: router address + Rackpilot boot answer → iPXE runs the node’s script', async (firmware, mac) => {
    const name = `${firmware}-proxy`;
    const node = await t.client.call('nodes.create', { name, mac });
    await t.client.call('nodes.install', { id: node.id, profileId: 'live-image', confirmName: name });
    const vm = startQemuNode({ ns: lab.ns, tap: lab.addTap(), mac, firmware, dir });
    vms.push(vm);
    await expect.poll(() => timeline(node.id), { timeout: 120_000, interval: 1000 }).toMatch(/boot\.http .*boot\.ipxe/);
    const text = await timeline(node.id);
    if (firmware === 'uefi') {
      expect(text).toMatch(/boot\.tftp TFTP to [\d.]+: sent ipxe\.efi/);
      await vm.waitForSerial(/Rackpilot: installing/, 30_000);
    }
    // The address came from the router, never from Rackpilot.
    expect(routerLog).toContain(mac);
    expect(text).not.toMatch(/Leased/);
  });
});
