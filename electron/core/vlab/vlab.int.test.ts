/**
 * The practice rack through the API with real QEMU (TCG): a BIOS and a UEFI node network-boot
 * in rootless mode from Rackpilot's own boot HTTP server on loopback, get reset and stopped over
 * QMP, are destroyed, and leave no process, socket, disk or console behind. Kept short (256 MiB,
 * stopped as soon as the console shows what we need): this machine has two cores, shared.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VmState } from '../../../shared/domain/vlab';
import { rejection } from '../testing/rejection';
import { freePort } from '../testing/sshd';
import { checkHost, defaultPaths } from './host-tools';
import { vmProcessName } from './qemu-args';
import { vlabTestApp, vmPids, waitForConsole, type VlabTestApp } from './test-vlab';
import { vmPaths } from './vm-paths';

const qemuHere = checkHost(defaultPaths()).firmwares.uefi;
let t: VlabTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function startBootServicesOnLoopback(app: VlabTestApp): Promise<number> {
  const http = await freePort();
  await app.client.call('boot.configure', { serverAddress: '127.0.0.1', interfaceName: 'lo', ports: { dhcp: await freePort(), proxy: await freePort(), tftp: await freePort(), http } });
  await app.client.call('boot.start', {});
  return http;
}

describe.skipIf(!qemuHere)('practice rack with real QEMU', () => {
  it('boots a BIOS and a UEFI node from Rackpilot over QEMU user networking, resets, stops and destroys them without a trace', { timeout: 240_000 }, async () => {
    t = vlabTestApp({ accelerator: 'tcg' });
    const { client, dir } = t;
    const http = await startBootServicesOnLoopback(t);
    const status = await client.call('vlab.status', {});
    expect(status).toMatchObject({ available: true, install: null, firmwares: { bios: true, uefi: true }, accelerator: { kind: 'tcg' } });
    expect(status.network).toMatchObject({ mode: 'rootless', bootUrl: `http://10.0.2.2:${http}/boot.ipxe`, bootReachable: true });
    expect(status.network.reason).toMatch(/using rootless/);

    const states = new Map<string, VmState[]>();
    client.subscribe('vlab.changed', (e) => {
      if (e.op === 'upsert') states.set(e.node.id, [...(states.get(e.node.id) ?? []), e.node.state]);
    });

    const [bios] = await client.call('vlab.create', { firmware: 'bios', memoryMb: 256, diskGb: 1, namePrefix: 'bios' });
    const [uefi] = await client.call('vlab.create', { firmware: 'uefi', memoryMb: 256, diskGb: 1, namePrefix: 'uefi' });
    if (!bios || !uefi) throw new Error('vlab.create returned no node');
    expect(bios).toMatchObject({ name: 'bios-01', firmware: 'bios', memoryMb: 256, cpus: 1, diskGb: 1, state: 'stopped', network: 'rootless' });
    expect(bios.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(bios.peer?.address).toMatch(/^10\.77\.0\.\d+$/);
    expect(existsSync(vmPaths(dir, bios.id).disk)).toBe(true);
    // In the inventory like any node, by its MAC, SSH through the forwarded port.
    const node = await client.call('nodes.get', { id: bios.nodeId ?? '' });
    expect(node).toMatchObject({ name: 'bios-01', mac: bios.mac, address: '127.0.0.1', sshPort: bios.sshPort, tags: ['virtual'] });
    expect(await client.call('nodes.powerStatus', { id: node.id })).toEqual({ nodeId: node.id, driver: 'qemu', power: 'off', actions: ['on', 'off', 'reset', 'pxe-once'] });

    const started = Date.now();
    const running = await Promise.all([client.call('vlab.start', { id: bios.id }), client.call('nodes.power', { id: uefi.nodeId ?? '', action: 'on' })]);
    expect(running[0]).toMatchObject({ state: 'running', accelerator: 'tcg' });
    expect(running[1]).toMatchObject({ driver: 'qemu', power: 'on' });
    expect(vmPids(bios.id)).toHaveLength(1);
    expect(vmPids(uefi.id)).toHaveLength(1);

    // The whole rootless path: QEMU's DHCP → iPXE → Rackpilot's boot.ipxe (local boot: exit).
    const biosConsole = await waitForConsole(client, bios.id, /Rackpilot: bios-01 boots from its local disk/, 60_000);
    expect(biosConsole).toContain('iPXE');
    const biosSeconds = (Date.now() - started) / 1000;
    const uefiConsole = await waitForConsole(client, uefi.id, /Rackpilot: uefi-01 boots from its local disk/, 150_000);
    expect(uefiConsole).toMatch(/iPXE/);
    const uefiSeconds = (Date.now() - started) / 1000;
    console.info(`boot script reached: BIOS ${biosSeconds.toFixed(1)} s, UEFI ${uefiSeconds.toFixed(1)} s after start (TCG)`);
    const timeline = await client.call('events.list', { subjectId: bios.nodeId ?? '' });
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['vlab.created', 'vlab.started', 'boot.http']));
    expect((await client.call('nodes.get', { id: uefi.nodeId ?? '' })).firmware).toBe('uefi');

    // Reset over QMP: the firmware starts again (a second SeaBIOS banner).
    const banners = (biosConsole.match(/SeaBIOS \(version/g) ?? []).length;
    await client.call('vlab.reset', { id: bios.id });
    await waitForConsole(client, bios.id, new RegExp(`(SeaBIOS \\(version[\\s\\S]*){${banners + 1}}`), 30_000);

    // Off: one through the power driver, one by stop; both QEMUs are gone with their sockets.
    expect(await client.call('nodes.power', { id: uefi.nodeId ?? '', action: 'off' })).toMatchObject({ power: 'off' });
    expect(await client.call('vlab.stop', { id: bios.id, force: true })).toMatchObject({ state: 'stopped', pid: null });
    for (const vm of [bios, uefi]) {
      expect(vmPids(vm.id)).toEqual([]);
      expect(existsSync(vmPaths(dir, vm.id).qmp)).toBe(false);
      expect(states.get(vm.id)).toEqual(expect.arrayContaining(['starting', 'running', 'stopping', 'stopped']));
    }

    // Destroy asks for confirmation; the inventory node goes only when asked.
    expect((await rejection(client.call('vlab.destroy', { id: bios.id, confirm: false }))).code).toBe('E_CONFIRMATION_REQUIRED');
    expect(await client.call('vlab.destroy', { id: bios.id, confirm: true, removeNode: true })).toEqual({ id: bios.id, nodeRemoved: true });
    expect(await client.call('vlab.destroy', { id: uefi.id, confirm: true })).toEqual({ id: uefi.id, nodeRemoved: false });
    expect(readdirSync(join(dir, 'vlab'))).toEqual([]);
    expect((await client.call('nodes.list', {})).map((n) => n.name)).toEqual(['uefi-01']);
    expect((await client.call('vlab.status', {})).nodes).toEqual([]);
    expect((await rejection(client.call('nodes.power', { id: uefi.nodeId ?? '', action: 'on' }))).code).toBe('E_POWER_UNSUPPORTED');
  });

  it('destroys a node mid-boot; stops gracefully, restarts on a moved SSH port, and is stopped when the app closes', { timeout: 120_000 }, async () => {
    t = vlabTestApp({ accelerator: 'tcg', gracefulStopMs: 1500 });
    const [a, b] = await t.client.call('vlab.create', { count: 2, memoryMb: 256, diskGb: 1 });
    if (!a || !b) throw new Error('vlab.create returned no node');
    expect([a.name, b.name]).toEqual(['vnode-01', 'vnode-02']);
    await Promise.all([t.client.call('vlab.start', { id: a.id }), t.client.call('vlab.start', { id: b.id })]);
    await waitForConsole(t.client, a.id, /iPXE/, 30_000);
    await t.client.call('vlab.destroy', { id: a.id, confirm: true });
    expect(vmPids(a.id)).toEqual([]);
    expect(existsSync(vmPaths(t.dir, a.id).dir)).toBe(false);

    // Firmware ignores the ACPI power button: after the grace period the plug is pulled.
    await waitForConsole(t.client, b.id, /iPXE/, 30_000);
    const pressed = Date.now();
    expect(await t.client.call('vlab.stop', { id: b.id })).toMatchObject({ state: 'stopped' });
    expect(Date.now() - pressed).toBeGreaterThanOrEqual(1500);
    expect(vmPids(b.id)).toEqual([]);

    // Something else took its SSH port meanwhile: the next start moves it, inventory included.
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(b.sshPort ?? 0, '127.0.0.1', r));
    try {
      const again = await t.client.call('vlab.start', { id: b.id });
      expect(again.sshPort).not.toBe(b.sshPort);
      expect((await t.client.call('nodes.get', { id: b.nodeId ?? '' })).sshPort).toBe(again.sshPort);
    } finally {
      squatter.close();
    }
    // One console across runs: both starts are in it.
    const text = await waitForConsole(t.client, b.id, /(QEMU started[\s\S]*){2}/, 10_000);
    expect(text).toContain('iPXE');

    const dir = t.dir;
    await t.close({ keepDir: true });
    expect(vmPids(b.id)).toEqual([]);
    t = vlabTestApp({ accelerator: 'tcg' }, dir);
    const after = (await t.client.call('vlab.status', {})).nodes;
    expect(after).toMatchObject([{ id: b.id, state: 'stopped', pid: null, lastError: null }]);
    expect(readdirSync(vmPaths(dir, b.id).dir).sort()).toEqual(['console.log', 'disk.qcow2']);
  });

  it('after a crash, ends the QEMU it left running and marks the node stopped', { timeout: 60_000 }, async () => {
    t = vlabTestApp({ accelerator: 'tcg' });
    const [vm] = await t.client.call('vlab.create', { memoryMb: 256, diskGb: 1 });
    if (!vm) throw new Error('vlab.create returned no node');
    const dir = t.dir;
    await t.close({ keepDir: true });
    // What a crashed Rackpilot leaves: a QEMU of this VM still running, the record saying so.
    const orphan = spawn(defaultPaths().qemu, ['-name', vmProcessName(vm.id), '-machine', 'none', '-nodefaults', '-display', 'none'], { stdio: 'ignore' });
    const gone = new Promise((r) => orphan.once('exit', r));
    await new Promise((r) => orphan.once('spawn', r));
    const { openStore } = await import('../store/database');
    const { db } = openStore(dir);
    db.prepare("UPDATE virtual_nodes SET state = 'running', pid = ? WHERE id = ?").run(orphan.pid, vm.id);
    db.close();

    t = vlabTestApp({ accelerator: 'tcg' }, dir);
    await gone;
    expect(vmPids(vm.id)).toEqual([]);
    const [after] = (await t.client.call('vlab.status', {})).nodes;
    expect(after).toMatchObject({ state: 'stopped', pid: null, lastError: { code: 'E_INTERRUPTED' } });
    expect(after?.lastError?.message).toContain(`pid ${orphan.pid}`);
  });
});

describe('practice rack: bad input', () => {
  it('says what to install when QEMU is missing, and refuses to create or start', async () => {
    t = vlabTestApp({ paths: { qemu: '/nonexistent/qemu-system-x86_64' } });
    const status = await t.client.call('vlab.status', {});
    expect(status).toMatchObject({ available: false, qemuVersion: null, firmwares: { bios: false, uefi: false } });
    expect(status.missing).toEqual(expect.arrayContaining([{ what: 'QEMU (qemu-system-x86_64)', path: '/nonexistent/qemu-system-x86_64', package: 'qemu-system-x86' }]));
    expect(status.install).toContain('apt-get install qemu-system-x86');
    expect(status.message).toContain('sudo apt-get install qemu-system-x86 ipxe-qemu ovmf qemu-utils');
    const err = await rejection(t.client.call('vlab.create', { memoryMb: 256 }));
    expect(err.code).toBe('E_QEMU_MISSING');
    expect(err.message).toMatch(/\/nonexistent\/qemu-system-x86_64.*apt-get install qemu-system-x86/);
    expect(await t.client.call('nodes.list', {})).toEqual([]);
  });

  it.skipIf(!qemuHere)('fails the start of an existing node with E_QEMU_MISSING when QEMU went away', async () => {
    t = vlabTestApp();
    const [vm] = await t.client.call('vlab.create', { memoryMb: 256, diskGb: 1 });
    const dir = t.dir;
    await t.close({ keepDir: true });
    t = vlabTestApp({ paths: { qemu: '/nonexistent/qemu-system-x86_64' } }, dir);
    const err = await rejection(t.client.call('vlab.start', { id: vm?.id ?? '' }));
    expect(err.code).toBe('E_QEMU_MISSING');
    expect(err.message).toContain('vnode-01 (bios) cannot start');
    expect(err.message).not.toContain('OVMF');
    const [after] = (await t.client.call('vlab.status', {})).nodes;
    expect(after).toMatchObject({ state: 'failed', lastError: { code: 'E_QEMU_MISSING' } });
  });

  it('refuses a zero disk, too little memory and unknown ids with messages that name the field', async () => {
    t = vlabTestApp();
    const disk = await rejection(t.client.call('vlab.create', { diskGb: 0 }));
    expect(disk.code).toBe('E_VALIDATION');
    expect(disk.message).toMatch(/diskGb: The disk must be at least 1 GiB/);
    const memory = await rejection(t.client.call('vlab.create', { memoryMb: 64 }));
    expect(memory.code).toBe('E_VALIDATION');
    expect(memory.message).toMatch(/memoryMb: Memory must be at least 256 MiB/);
    expect((await rejection(t.client.call('vlab.create', { count: 17 }))).code).toBe('E_VALIDATION');
    expect((await rejection(t.client.call('vlab.create', { firmware: 'coreboot' as 'bios' }))).code).toBe('E_VALIDATION');
    expect((await rejection(t.client.call('vlab.start', { id: 'nope' }))).code).toBe('E_NOT_FOUND');
    expect((await rejection(t.client.call('vlab.destroy', { id: 'nope', confirm: true }))).code).toBe('E_NOT_FOUND');
    expect((await rejection(t.client.call('vlab.console', { id: 'nope' }))).code).toBe('E_NOT_FOUND');
    const real = await t.client.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:00:01' });
    expect(await t.client.call('nodes.powerStatus', { id: real.id })).toEqual({ nodeId: real.id, driver: null, power: 'unknown', actions: [] });
    const power = await rejection(t.client.call('nodes.power', { id: real.id, action: 'on' }));
    expect(power.code).toBe('E_POWER_UNSUPPORTED');
    expect(power.message).toContain('r720-01');
  });

  it('keeps the bridged lab’s shape as a setting, and refuses a shape for rootless nodes or an unknown one', async () => {
    t = vlabTestApp();
    expect((await t.client.call('vlab.status', {})).network.bridged?.router).toBe('rackpilot');
    expect((await rejection(t.client.call('vlab.configure', { router: 'openwrt' as 'rackpilot' }))).code).toBe('E_VALIDATION');
    const rootless = await rejection(t.client.call('vlab.create', { memoryMb: 256, diskGb: 1, router: 'home-router' }));
    expect(rootless.code).toBe('E_VALIDATION');
    expect(rootless.message).toMatch(/applies to bridged nodes only/);
    expect(await t.client.call('nodes.list', {})).toEqual([]);
    const bridged = (await t.client.call('vlab.status', {})).network.bridged;
    if (!bridged?.available || bridged.homeRouterUnavailable) return; // the lab tier covers it where bridged runs
    const status = await t.client.call('vlab.configure', { router: 'home-router' });
    expect(status.network.bridged).toMatchObject({ router: 'home-router', active: false });
    expect(status.network.bridged?.reason).toMatch(/home LAN: a router hands out addresses/);
    const dir = t.dir;
    await t.close({ keepDir: true });
    t = vlabTestApp({}, dir);
    expect((await t.client.call('vlab.status', {})).network.bridged?.router).toBe('home-router');
  });
});

