/**
 * The bridged practice rack with real namespaces and real QEMU (TCG), as root: a BIOS and a UEFI
 * node on Rackpilot's own lab bridge PXE boot from its full DHCP, TFTP and HTTP on the veth; the
 * lease lands on the inventory node; stopping the last node takes the namespace, veth, taps and
 * the boot takeover away (the user's boot settings come back as they were), and so do app close
 * and the next start after a crash. In the home-LAN shape a dnsmasq "router" in the namespace
 * hands out the address and Rackpilot answers as proxyDHCP; it goes with the lab, crash or not. Without root the lab part is skipped with the reason (a
 * failure under CI); the refusal of bridged without privileges runs everywhere.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import type { BootConfig } from '../../../shared/domain/boot';
import { skipLab } from '../testing/lab-gate';
import { isRoot } from '../testing/lab-net';
import { rejection } from '../testing/rejection';
import { freePort } from '../testing/sshd';
import { dnsmasqArgs } from './home-router';
import { findIp, labNames } from './lab-namespace';
import { vlabTestApp, vmPids, waitForConsole, type VlabTestApp } from './test-vlab';

const skip = skipLab();
let t: VlabTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ip = findIp() ?? 'ip';
const namespaces = () => execFileSync(ip, ['netns', 'list']).toString();
const linkExists = (name: string) => spawnSync(ip, ['link', 'show', 'dev', name], { stdio: 'ignore' }).status === 0;
/** dnsmasq processes of a lab (their lease file is named after its namespace), wherever they run. */
const routerPids = (ns: string) => spawnSync('pgrep', ['-f', `dnsmasq .*${ns}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

/** The user's own boot settings: proxyDHCP on loopback, running. Bridged must give them back. */
async function usersBootConfig(app: VlabTestApp): Promise<BootConfig> {
  const ports = { dhcp: await freePort(), proxy: await freePort(), tftp: await freePort(), http: await freePort() };
  await app.client.call('boot.configure', { mode: 'proxy', serverAddress: '127.0.0.1', interfaceName: 'lo', ports });
  return (await app.client.call('boot.start', {})).config;
}

function assertNoLab(dir: string, ids: string[]): void {
  const names = labNames(dir);
  expect(namespaces()).not.toContain(names.ns);
  expect(linkExists(names.hostIf)).toBe(false);
  for (const id of ids) expect(vmPids(id)).toEqual([]);
}

describe.skipIf(skip)('bridged practice rack (root, namespaces, QEMU TCG)', () => {
  it('PXE boots a BIOS and a UEFI node from Rackpilot’s full DHCP + TFTP + HTTP on the veth, and leaves nothing behind', { timeout: 300_000 }, async () => {
    t = vlabTestApp({ accelerator: 'tcg' });
    const { client, dir } = t;
    const names = labNames(dir);
    const users = await usersBootConfig(t);

    const before = await client.call('vlab.status', {});
    expect(before.network.mode).toBe('rootless');
    expect(before.network.bridged).toMatchObject({ available: true, active: false, running: 0, namespace: names.ns, hostInterface: names.hostIf, subnet: '10.78.0.0/24', hostAddress: '10.78.0.1' });
    expect(before.network.bridged?.bootTakeover).toMatch(/full DHCP .* put back/);

    const [bios] = await client.call('vlab.create', { firmware: 'bios', memoryMb: 256, diskGb: 1, namePrefix: 'bbios', network: 'bridged' });
    const [uefi] = await client.call('vlab.create', { firmware: 'uefi', memoryMb: 256, diskGb: 1, namePrefix: 'buefi', network: 'bridged' });
    if (!bios?.nodeId || !uefi?.nodeId) throw new Error('vlab.create returned no node');
    expect(bios).toMatchObject({ network: 'bridged', sshPort: null, peer: null, state: 'stopped' });
    expect(await client.call('nodes.get', { id: bios.nodeId })).toMatchObject({ address: '', sshPort: 22, mac: bios.mac });
    // Armed installs: Rackpilot's DHCP answers only nodes it is asked to boot (boot-once).
    for (const vm of [bios, uefi]) await client.call('nodes.install', { id: vm.nodeId ?? '', profileId: 'live-image', confirmName: vm.name });

    const started = Date.now();
    await Promise.all([client.call('vlab.start', { id: bios.id }), client.call('vlab.start', { id: uefi.id })]);
    const during = await client.call('vlab.status', {});
    expect(during.network.bridged).toMatchObject({ active: true, running: 2 });
    expect(namespaces()).toContain(names.ns);
    expect(execFileSync(ip, ['-n', names.ns, 'link', 'show', 'master', 'br0']).toString()).toMatch(/tap-[\s\S]*tap-/);
    const boot = await client.call('boot.status', {});
    expect(boot.config).toMatchObject({ mode: 'dhcp', serverAddress: '10.78.0.1', interfaceName: names.hostIf, ports: { dhcp: 67, tftp: 69, http: users.ports.http } });
    expect(boot.services.map((s) => s.state)).toEqual(['listening', 'listening', 'listening']);

    // BIOS: iPXE ROM → Rackpilot's DHCP → boot.ipxe over HTTP on 10.78.0.1.
    const biosConsole = await waitForConsole(client, bios.id, /10\.78\.0\.1:\d+\/boot\.ipxe/, 120_000);
    expect(biosConsole).toContain('iPXE');
    const biosSeconds = (Date.now() - started) / 1000;
    // UEFI: OVMF's own PXE → TFTP ipxe.efi → iPXE → boot.ipxe.
    const uefiConsole = await waitForConsole(client, uefi.id, /10\.78\.0\.1:\d+\/boot\.ipxe/, 240_000);
    expect(uefiConsole).toMatch(/NBP file downloaded successfully|iPXE/);
    const uefiSeconds = (Date.now() - started) / 1000;
    console.info(`bridged: boot.ipxe fetched — BIOS ${biosSeconds.toFixed(1)} s, UEFI ${uefiSeconds.toFixed(1)} s after start (TCG)`);

    // The leases are on the inventory nodes: SSH goes there, through the veth.
    for (const vm of [bios, uefi]) {
      await expect.poll(async () => (await client.call('nodes.get', { id: vm.nodeId ?? '' })).address, { timeout: 30_000, interval: 500 }).toMatch(/^10\.78\.0\.(1\d\d)$/);
    }
    const timeline = (await client.call('events.list', { subjectId: uefi.nodeId, limit: 200 })).map((e) => `${e.kind} ${e.summary}`).join('\n');
    expect(timeline).toMatch(/boot\.tftp TFTP to 10\.78\.0\.\d+: sent ipxe\.efi/);
    expect(timeline).toMatch(/vlab\.address .*leased 10\.78\.0\.\d+/);

    // The first stop keeps the lab for the other node; the last takes it all away.
    await client.call('vlab.stop', { id: bios.id, force: true });
    expect(namespaces()).toContain(names.ns);
    expect(execFileSync(ip, ['-n', names.ns, 'link', 'show', 'master', 'br0']).toString()).not.toContain(`tap-${bios.id.replace(/-/g, '').slice(0, 8)}`);
    await client.call('vlab.stop', { id: uefi.id, force: true });
    assertNoLab(dir, [bios.id, uefi.id]);
    const restored = await client.call('boot.status', {});
    expect(restored.config).toEqual(users);
    expect(restored.running).toBe(true);
    expect((await client.call('vlab.status', {})).network.bridged).toMatchObject({ active: false, running: 0 });

    for (const vm of [bios, uefi]) await client.call('vlab.destroy', { id: vm.id, confirm: true, removeNode: true });
    assertNoLab(dir, [bios.id, uefi.id]);
  });

  it('home LAN: a BIOS node gets its address from the lab’s dnsmasq router and its boot answer from Rackpilot’s proxyDHCP, and nothing is left behind', { timeout: 300_000 }, async () => {
    t = vlabTestApp({ accelerator: 'tcg' });
    const { client, dir } = t;
    const names = labNames(dir);
    const users = await usersBootConfig(t);

    const configured = await client.call('vlab.configure', { router: 'home-router' });
    expect(configured.network.bridged).toMatchObject({ router: 'home-router', homeRouterUnavailable: null, active: false });
    expect(configured.network.bridged?.bootTakeover).toMatch(/home router \(dnsmasq .*proxyDHCP .*put back/);
    const [vm] = await client.call('vlab.create', { firmware: 'bios', memoryMb: 256, diskGb: 1, namePrefix: 'home', network: 'bridged' });
    if (!vm?.nodeId) throw new Error('vlab.create returned no node');
    await client.call('nodes.install', { id: vm.nodeId, profileId: 'live-image', confirmName: vm.name });

    const started = Date.now();
    await client.call('vlab.start', { id: vm.id });
    // The router runs inside the lab namespace (and only there), with its lease file in the data dir.
    const inLab = execFileSync(ip, ['netns', 'pids', names.ns]).toString().split('\n').filter(Boolean);
    expect(inLab.map((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim())).toContain('dnsmasq');
    expect(routerPids(names.ns)).toHaveLength(1);
    expect(execFileSync(ip, ['-n', names.ns, '-4', 'addr', 'show', 'dev', 'br0']).toString()).toContain('10.78.0.254/24');
    const boot = await client.call('boot.status', {});
    expect(boot.config).toMatchObject({ mode: 'proxy', serverAddress: '10.78.0.1', interfaceName: names.hostIf, ports: { dhcp: 67, proxy: 4011, tftp: 69 } });
    expect(boot.services.map((s) => `${s.name} ${s.state}`)).toEqual(['http listening', 'tftp listening', 'proxy-dhcp listening']);
    expect((await client.call('vlab.status', {})).network.bridged).toMatchObject({ active: true, running: 1, router: 'home-router' });
    // The running lab keeps its shape.
    expect((await rejection(client.call('vlab.configure', { router: 'rackpilot' }))).code).toBe('E_CONFLICT');

    // iPXE: the router's address (its pool is .50–.99), then Rackpilot's script over HTTP.
    const text = await waitForConsole(client, vm.id, /10\.78\.0\.1:\d+\/boot\.ipxe/, 180_000);
    console.info(`home LAN: boot.ipxe fetched ${((Date.now() - started) / 1000).toFixed(1)} s after start (BIOS, TCG)`);
    expect(text).toMatch(/10\.78\.0\.([5-9]\d)\/255\.255\.255\.0 gw 10\.78\.0\.254/);
    // From the router's lease file onto the inventory node: SSH goes there.
    await expect.poll(async () => (await client.call('nodes.get', { id: vm.nodeId ?? '' })).address, { timeout: 30_000, interval: 500 }).toMatch(/^10\.78\.0\.([5-9]\d)$/);
    const timeline = (await client.call('events.list', { subjectId: vm.nodeId, limit: 200 })).map((e) => `${e.kind} ${e.summary}`).join('\n');
    expect(timeline).toMatch(/boot\.http .*boot\.ipxe/);
    expect(timeline).toMatch(/vlab\.address .*home router 10\.78\.0\.\d+/);
    // Rackpilot leased nothing: the address is the router's.
    expect(timeline).not.toMatch(/Leased/);

    await client.call('vlab.stop', { id: vm.id, force: true });
    assertNoLab(dir, [vm.id]);
    expect(routerPids(names.ns)).toEqual([]);
    expect(existsSync(join(dir, 'vlab', `home-router-${names.ns}.leases`))).toBe(false);
    const restored = await client.call('boot.status', {});
    expect(restored.config).toEqual(users);
    expect(restored.running).toBe(true);
    // The shape is a setting: the next lab is a home LAN again.
    expect((await client.call('vlab.status', {})).network.bridged).toMatchObject({ active: false, router: 'home-router' });
    await client.call('vlab.destroy', { id: vm.id, confirm: true, removeNode: true });
  });

  it('takes the lab down when the app closes, and after a crash removes leftovers and restores the boot settings', { timeout: 120_000 }, async () => {
    t = vlabTestApp({ accelerator: 'tcg' });
    const dir = t.dir;
    const users = await usersBootConfig(t);
    const [vm] = await t.client.call('vlab.create', { memoryMb: 256, diskGb: 1, network: 'bridged' });
    if (!vm) throw new Error('vlab.create returned no node');
    await t.client.call('vlab.start', { id: vm.id });
    expect(namespaces()).toContain(labNames(dir).ns);
    await t.close({ keepDir: true });
    assertNoLab(dir, [vm.id]);

    // A crash: the namespace (of a Rackpilot that is gone) with its home router still running,
    // and the taken-over settings remain.
    const dead = labNames(dir, 999_999);
    execFileSync(ip, ['netns', 'add', dead.ns]);
    execFileSync(ip, ['-n', dead.ns, 'link', 'add', 'br0', 'type', 'bridge']);
    execFileSync(ip, ['-n', dead.ns, 'addr', 'add', '10.78.0.254/24', 'dev', 'br0']);
    execFileSync(ip, ['-n', dead.ns, 'link', 'set', 'br0', 'up']);
    const leases = join(dir, 'vlab', `home-router-${dead.ns}.leases`);
    const orphan = spawn(ip, ['netns', 'exec', dead.ns, '/usr/sbin/dnsmasq', ...dnsmasqArgs({ bridge: 'br0', leaseFile: leases })], { stdio: 'ignore', detached: true });
    orphan.unref();
    await expect.poll(() => routerPids(dead.ns), { timeout: 10_000 }).toHaveLength(1);
    const { openStore } = await import('../store/database');
    const { SettingsRepo } = await import('../store/settings-repo');
    const { db } = openStore(dir);
    const settings = new SettingsRepo(db);
    settings.setDocument('vlab', { ...(settings.getDocument('vlab') as object), bridgedSavedBoot: { config: users, wasRunning: false } });
    settings.setDocument('boot', { ...users, mode: 'dhcp', serverAddress: '10.78.0.1', interfaceName: dead.hostIf });
    db.close();

    t = vlabTestApp({ accelerator: 'tcg' }, dir);
    await expect.poll(() => namespaces(), { timeout: 10_000 }).not.toContain(dead.ns);
    await expect.poll(() => routerPids(dead.ns), { timeout: 10_000 }).toEqual([]);
    expect(existsSync(leases)).toBe(false);
    await expect.poll(async () => (await t?.client.call('boot.status', {}))?.config, { timeout: 10_000 }).toEqual(users);
    expect((await t.client.call('boot.status', {})).running).toBe(false);
  });
});

describe('bridged practice rack: bad input', () => {
  it.skipIf(isRoot())('refuses bridged without root, says why, and that rootless works', async () => {
    t = vlabTestApp();
    const status = await t.client.call('vlab.status', {});
    expect(status.network.bridged?.available).toBe(false);
    expect(status.network.reason).toMatch(/bridged needs root .*: using rootless$/);
    const err = await rejection(t.client.call('vlab.create', { memoryMb: 256, diskGb: 1, network: 'bridged' }));
    expect(err.code).toBe('E_BRIDGED_UNAVAILABLE');
    expect(err.message).toMatch(/needs root .*Rootless networking works without any privileges/);
    expect(await t.client.call('nodes.list', {})).toEqual([]);
  });

  it.skipIf(!isRoot())('refuses bridged in a process without privileges (run as nobody), says why, and that rootless works', () => {
    // The same check the core makes, in a real unprivileged process: bundle it and drop to nobody.
    const work = mkdtempSync(join(tmpdir(), 'rackpilot-noroot-'));
    try {
      const entry = `import { BridgedNetwork } from ${JSON.stringify(join(__dirname, 'bridged-network.ts'))};
        const log = { info() {}, warn() {}, error() {}, debug() {} };
        const settings = { getDocument() { return null; }, setDocument() {} };
        const lab = new BridgedNetwork({ dataDir: '/nonexistent', boot: undefined, settings, log });
        try { lab.assertAvailable('A bridged node'); console.log(JSON.stringify({ ok: true })); }
        catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, status: lab.status() })); }`;
      const out = join(work, 'check.cjs');
      buildSync({ stdin: { contents: entry, resolveDir: __dirname, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'silent' });
      writeFileSync(join(work, 'package.json'), '{}');
      execFileSync('chmod', ['-R', 'a+rX', work]);
      const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, out], { encoding: 'utf8', timeout: 30_000 });
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout) as { code: string; message: string; status: { available: boolean; reason: string } };
      expect(result.code).toBe('E_BRIDGED_UNAVAILABLE');
      expect(result.message).toMatch(/^A bridged node needs the bridged lab network, which cannot run here: bridged needs root .*uid 65534 without CAP_NET_ADMIN.*Rootless networking works without any privileges/);
      expect(result.status.available).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
