/**
 * The whole boot-to-SSH path, end to end, as a user drives it through the API: the headless core
 * with a temp data dir, the lab image imported from this machine's build, one BIOS and one UEFI
 * virtual node installed — one with the live profile, one with install-to-disk. Each must reach
 * `installed` through cloud-init's phone-home with its host keys pinned; OpenSSH (with the app's
 * key and only the pinned keys as known hosts) and the app's own SSH both read /etc/os-release;
 * the install-to-disk node is reset and must come back from its disk — Rackpilot answers its PXE
 * boot with "local boot" and serves no seed — with the same host keys. Three network shapes:
 * the isolated bridged lab (Rackpilot's full DHCP), the home LAN (a dnsmasq router hands out
 * addresses, Rackpilot answers as proxyDHCP) and rootless (QEMU user networking, no root).
 *
 * Serial logs and a screenshot of the Practice rack page (the real renderer in Debian's Chromium,
 * served against this core) go to e2e/artifacts/lab/. Real QEMU under TCG: minutes per shape.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { afterEach, describe, expect, it } from 'vitest';
import type { BulkCommandResult } from '../../../shared/domain/command';
import type { Node } from '../../../shared/domain/node';
import type { VirtualNode, VmFirmware } from '../../../shared/domain/vlab';
import { startHeadlessServer } from '../../headless/server';
import { createLogger } from '../log';
import { skipLab } from '../testing/lab-gate';
import { labImage } from '../testing/lab-vm';
import { freePort } from '../testing/sshd';
import { tempDir } from '../testing/temp-app';
import { findIp, labNames } from './lab-namespace';
import { vlabTestApp, vmPids, type VlabTestApp } from './test-vlab';

const skip = skipLab() || noImage();
const ARTIFACTS = resolve(__dirname, '../../../e2e/artifacts/lab');
const RENDERER = resolve(__dirname, '../../../dist/renderer');
/** Power-on → phone-home under TCG is ~75–120 s per node; two nodes share two cores. */
const INSTALL_TIMEOUT_MS = 420_000;

function noImage(): boolean {
  if (labImage()) return false;
  const why = 'no lab image: run scripts/build-lab-image.sh (scripts/setup-system.sh does)';
  if (process.env.CI) throw new Error(`lab e2e cannot run under CI: ${why}`);
  console.warn(`practice rack e2e skipped: ${why}`);
  return true;
}

type Shape = 'isolated' | 'home-router' | 'rootless';
type ProfileId = 'live-image' | 'install-to-disk';
interface Planned {
  firmware: VmFirmware;
  profile: ProfileId;
}
interface Booted extends Planned {
  vm: VirtualNode;
  node: Node;
  startedAt: number;
  installedAfterS: number;
}

let t: VlabTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ip = findIp() ?? 'ip';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timeline(app: VlabTestApp, nodeId: string): Promise<{ at: string; kind: string; summary: string }[]> {
  const events = await app.client.call('events.list', { subjectId: nodeId, limit: 500 });
  return events.map((e) => ({ at: e.ts, kind: e.kind, summary: e.summary })).reverse();
}

async function consoleText(app: VlabTestApp, vmId: string): Promise<string> {
  return (await app.client.call('vlab.console', { id: vmId, tailBytes: 512 * 1024 })).text;
}

/** Why a node did not get there: its timeline and the end of its console, for the failure message. */
async function diagnosis(app: VlabTestApp, b: { vm: VirtualNode; node: Node }): Promise<string> {
  const events = (await timeline(app, b.node.id)).slice(-25).map((e) => `  ${e.at} ${e.kind} ${e.summary}`).join('\n');
  const tail = (await consoleText(app, b.vm.id)).slice(-3000);
  return `timeline of ${b.node.name}:\n${events}\nconsole of ${b.vm.name} (tail):\n${tail}`;
}

async function waitForState(app: VlabTestApp, b: { vm: VirtualNode; node: Node }, state: Node['state'], timeoutMs: number): Promise<Node> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const node = await app.client.call('nodes.get', { id: b.node.id });
    if (node.state === state) return node;
    if (node.state === 'failed') throw new Error(`${node.name} failed instead of reaching ${state}\n${await diagnosis(app, b)}`);
    if (Date.now() > deadline) throw new Error(`${node.name} did not reach ${state} within ${timeoutMs / 1000} s (state ${node.state})\n${await diagnosis(app, b)}`);
    await sleep(1000);
  }
}

/** The user's boot settings before the rack: services on loopback, running (rootless boots from these). */
async function startBootServices(app: VlabTestApp): Promise<void> {
  const ports = { dhcp: await freePort(), proxy: await freePort(), tftp: await freePort(), http: await freePort() };
  await app.client.call('boot.configure', { mode: 'proxy', serverAddress: '127.0.0.1', interfaceName: 'lo', ports });
  await app.client.call('boot.start', {});
}

async function useLabImage(app: VlabTestApp): Promise<void> {
  const jobs = await app.client.call('vlab.useLabImage', {});
  const settled = await Promise.all(jobs.map((j) => app.app.services.jobs.settled(j.id)));
  expect(settled.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  expect((await app.client.call('vlab.labImage', {})).state).toBe('ready');
}

async function createAndInstall(app: VlabTestApp, shape: Shape, planned: Planned[]): Promise<Booted[]> {
  const network = shape === 'rootless' ? 'rootless' : 'bridged';
  const booted: Omit<Booted, 'startedAt' | 'installedAfterS'>[] = [];
  for (const p of planned) {
    const [vm] = await app.client.call('vlab.create', {
      firmware: p.firmware,
      memoryMb: 1536,
      diskGb: 4,
      namePrefix: `${shape === 'home-router' ? 'home' : shape.slice(0, 4)}-${p.firmware}`,
      network,
      ...(shape === 'home-router' ? { router: 'home-router' as const } : {}),
    });
    if (!vm?.nodeId) throw new Error('vlab.create returned no node');
    const node = await app.client.call('nodes.install', { id: vm.nodeId, profileId: p.profile, confirmName: vm.name });
    expect(node).toMatchObject({ state: 'installing', netboot: true, hostKeys: [] });
    booted.push({ ...p, vm, node });
  }
  const startedAt = Date.now();
  await Promise.all(booted.map((b) => app.client.call('vlab.start', { id: b.vm.id })));
  const done = await Promise.all(
    booted.map(async (b) => {
      const node = await waitForState(app, b, 'installed', INSTALL_TIMEOUT_MS);
      return { ...b, node, startedAt, installedAfterS: (Date.now() - startedAt) / 1000 };
    }),
  );
  for (const b of done) {
    console.info(`${shape}: ${b.vm.name} (${b.firmware}, ${b.profile}) power-on → phone-home ${b.installedAfterS.toFixed(1)} s`);
    // Pinned from the phone-home, before Rackpilot ever connected: no trust-on-first-use.
    expect(b.node.netboot).toBe(false);
    expect(b.node.hostKeys.map((k) => k.type)).toEqual(expect.arrayContaining(['ssh-ed25519']));
  }
  return done;
}

/**
 * OpenSSH with the config and known_hosts Rackpilot exports: the app's key, and only the pinned
 * host keys (StrictHostKeyChecking=yes), so a node presenting any other key fails here.
 */
async function opensshRun(app: VlabTestApp, node: Node, command: string): Promise<string> {
  const text = await app.client.call('nodes.exportSshConfig', { ids: [node.id] });
  const [config, knownHosts] = text.split('# known_hosts lines (append to ~/.ssh/known_hosts):');
  const dir = tempDir('rackpilot-e2e-ssh-');
  writeFileSync(join(dir, 'config'), config ?? '');
  writeFileSync(join(dir, 'known_hosts'), knownHosts ?? '');
  const r = spawnSync('ssh', ['-F', join(dir, 'config'), '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', node.name, command], {
    timeout: 60_000,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`ssh ${node.name} '${command}' exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The app's own SSH (pooled connection, pinned-key check), through the bulk command API. */
async function appRun(app: VlabTestApp, nodes: Node[], command: string): Promise<Record<string, string>> {
  const job = await app.client.call('nodes.runCommand', { ids: nodes.map((n) => n.id), command, sudo: false });
  const settled = await app.app.services.jobs.settled(job.id);
  const result = settled.result as BulkCommandResult;
  for (const r of result.results) expect(r, `${r.name}: ${r.error?.message ?? r.stderr}`).toMatchObject({ state: 'ok', exitCode: 0 });
  return Object.fromEntries(result.results.map((r) => [r.name, r.stdout]));
}

async function assertDebianOverSsh(app: VlabTestApp, booted: Booted[]): Promise<void> {
  const viaApp = await appRun(app, booted.map((b) => b.node), 'cat /etc/os-release');
  for (const b of booted) {
    expect(viaApp[b.node.name]).toMatch(/^VERSION_CODENAME=bookworm$/m);
    const viaOpenssh = await opensshRun(app, b.node, 'cat /etc/os-release; hostname');
    expect(viaOpenssh).toMatch(/^ID=debian$/m);
    expect(viaOpenssh.trim().split('\n').at(-1)).toBe(b.node.name);
  }
}

const LOCAL_BOOT = /served boot\.ipxe \(local boot: |PXE request not answered: netboot is off/;

const phoneHomes = (app: VlabTestApp, nodeId: string) => timeline(app, nodeId).then((events) => events.filter((e) => e.kind === 'boot.phone-home').length);

/**
 * The install-to-disk node phones home once the disk is written, then reboots by itself: its
 * second PXE boot must get "local boot" (no kernel, no seed — not the installer again), and the
 * system on the disk phones home once more, with the same host keys.
 */
async function assertFirstBootFromDisk(app: VlabTestApp, shape: Shape, b: Booted): Promise<void> {
  const pinned = b.node.hostKeys.map((k) => k.fingerprint).sort();
  const installedAt = Date.now();
  const before = await timeline(app, b.node.id);
  await expect
    .poll(() => phoneHomes(app, b.node.id), { timeout: INSTALL_TIMEOUT_MS, interval: 2000, message: `${b.node.name} never phoned home from its disk` })
    .toBeGreaterThanOrEqual(2)
    .catch(async (err: unknown) => {
      throw new Error(`${String(err)}\n${await diagnosis(app, b)}`);
    });
  const lines = (await timeline(app, b.node.id))
    .slice(before.length)
    .map((e) => `${e.kind} ${e.summary}`)
    .join('\n');
  // Its PXE boot fell through to the disk: the boot script said "local boot" (iPXE asked for one),
  // or Rackpilot's DHCP left the firmware's PXE request unanswered because netboot is off.
  expect(lines).toMatch(LOCAL_BOOT);
  expect(lines).not.toMatch(/\(seed\)|served boot\.ipxe \(install|vmlinuz|squashfs/);
  const node = await app.client.call('nodes.get', { id: b.node.id });
  expect(node).toMatchObject({ state: 'installed', netboot: false });
  expect(node.hostKeys.map((k) => k.fingerprint).sort()).toEqual(pinned);
  await assertRunsFromDisk(app, node);
  console.info(`${shape}: ${b.vm.name} (${b.firmware}) installed → rebooted → disk system phoned home in ${((Date.now() - installedAt) / 1000).toFixed(1)} s`);
}

async function assertRunsFromDisk(app: VlabTestApp, node: Node): Promise<void> {
  const facts = await opensshRun(app, node, 'findmnt -no SOURCE,FSTYPE /; cat /proc/cmdline; cat /etc/os-release');
  expect(facts).toMatch(/^\/dev\/vda\d+ ext4$/m);
  expect(facts).not.toContain('boot=live');
  expect(facts).toMatch(/^VERSION_CODENAME=bookworm$/m);
}

/** A hard reset through the power driver: PXE again, local boot again, back on SSH from the disk. */
async function assertResetBootsFromDisk(app: VlabTestApp, shape: Shape, b: Booted): Promise<void> {
  const localBoots = () => timeline(app, b.node.id).then((events) => events.filter((e) => LOCAL_BOOT.test(e.summary)).length);
  const base = await localBoots();
  const resetAt = Date.now();
  await app.client.call('nodes.power', { id: b.node.id, action: 'reset' });
  await expect.poll(localBoots, { timeout: 180_000, interval: 1000 }).toBeGreaterThan(base);
  const node = await app.client.call('nodes.get', { id: b.node.id });
  let lastError: unknown = null;
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(3000)) {
    try {
      await assertRunsFromDisk(app, node);
      lastError = null;
      break;
    } catch (err) {
      lastError = err;
    }
  }
  if (lastError) throw new Error(`${b.node.name} did not come back on SSH from its disk after a reset: ${String(lastError)}\n${await diagnosis(app, b)}`);
  expect(await app.client.call('nodes.get', { id: b.node.id })).toMatchObject({ state: 'installed', netboot: false });
  console.info(`${shape}: ${b.vm.name} (${b.firmware}) reset → local boot → SSH on the disk system in ${((Date.now() - resetAt) / 1000).toFixed(1)} s`);
}

async function saveArtifacts(app: VlabTestApp, shape: Shape): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { nodes } = await app.client.call('vlab.status', {});
  for (const vm of nodes) writeFileSync(join(ARTIFACTS, `${shape}-${vm.name}.serial.log`), await consoleText(app, vm.id));
}

/** The Practice rack page, rendered by the real renderer against this core, as a PNG. */
async function screenshotRack(app: VlabTestApp, shape: Shape, selected: VirtualNode): Promise<void> {
  if (!existsSync(join(RENDERER, 'index.html'))) throw new Error(`${RENDERER}/index.html is missing: run \`npm run build\` first (npm test does)`);
  const server = await startHeadlessServer({ app: app.app, log: createLogger('error'), host: '127.0.0.1', port: 0, rendererDir: RENDERER });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Practice rack' }).click();
    await page.getByRole('link', { name: selected.name, exact: true }).click();
    await page.getByTestId('lab-image').waitFor();
    await page.waitForTimeout(1500); // the console tail's first poll
    await page.screenshot({ path: join(ARTIFACTS, `practice-rack-${shape}.png`), fullPage: true });
  } finally {
    await browser.close();
    await server.close();
  }
}

function assertNothingLeft(dir: string, vms: VirtualNode[]): void {
  for (const vm of vms) expect(vmPids(vm.id), `QEMU of ${vm.name} still runs`).toEqual([]);
  const names = labNames(dir);
  expect(spawnSync(ip, ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(names.ns);
  expect(spawnSync('pgrep', ['-f', `dnsmasq.*${names.ns}`], { encoding: 'utf8' }).stdout).toBe('');
}

/**
 * Rootless nodes reach each other on the shared QEMU socket network through the second NIC,
 * whose static address came from Rackpilot's network-config (busybox's ping: the image has no
 * iputils; it needs root for a raw socket).
 */
async function assertPeersReachEachOther(app: VlabTestApp, booted: Booted[]): Promise<void> {
  const [a, b] = booted;
  if (!a?.vm.peer || !b?.vm.peer) throw new Error('rootless nodes without a peer NIC');
  const out = await appRun(app, [a.node], `sudo -n busybox ping -c 3 -W 2 ${b.vm.peer.address}`);
  expect(out[a.node.name]).toMatch(/3 packets transmitted, 3 (packets )?received/);
  const back = await appRun(app, [b.node], `sudo -n busybox ping -c 3 -W 2 ${a.vm.peer.address}`);
  expect(back[b.node.name]).toMatch(/3 packets transmitted, 3 (packets )?received/);
}

async function scenario(shape: Shape, planned: Planned[]): Promise<void> {
  t = vlabTestApp({ accelerator: 'tcg' });
  const app = t;
  const dir = app.dir;
  const vms: VirtualNode[] = [];
  try {
    await useLabImage(app);
    await startBootServices(app);
    const booted = await createAndInstall(app, shape, planned);
    vms.push(...booted.map((b) => b.vm));
    const disk = booted.find((b) => b.profile === 'install-to-disk');
    if (disk) await assertFirstBootFromDisk(app, shape, disk);
    await assertDebianOverSsh(app, booted);
    if (shape === 'rootless') await assertPeersReachEachOther(app, booted);
    if (shape === 'isolated') await screenshotRack(app, shape, booted[0]!.vm);
    // Once is enough for the power driver's reset (the install's own reboot ran in every shape);
    // rootless is where iPXE always asks, so the local-boot script itself is what it gets.
    if (disk && shape === 'rootless') await assertResetBootsFromDisk(app, shape, disk);
  } finally {
    if (t) await saveArtifacts(t, shape).catch((err: unknown) => console.warn(`could not save the serial logs: ${String(err)}`));
  }
  await app.close({ keepDir: true });
  t = undefined;
  assertNothingLeft(dir, vms);
}

describe.skipIf(skip)('practice rack end to end (root, QEMU TCG, the real lab image)', () => {
  it('isolated lab (Rackpilot full DHCP): BIOS live, UEFI installed to disk and rebooted from it; SSH with pinned keys; Practice rack screenshot', { timeout: 1_200_000 }, async () => {
    await scenario('isolated', [
      { firmware: 'bios', profile: 'live-image' },
      { firmware: 'uefi', profile: 'install-to-disk' },
    ]);
  });

  it('home LAN (dnsmasq router + Rackpilot proxyDHCP): UEFI live, BIOS installed to disk and rebooted from it', { timeout: 1_200_000 }, async () => {
    await scenario('home-router', [
      { firmware: 'uefi', profile: 'live-image' },
      { firmware: 'bios', profile: 'install-to-disk' },
    ]);
  });

  it('rootless (QEMU user networking): BIOS installed to disk, rebooted from it and reset through the power driver; UEFI live; the nodes reach each other on the peer network', { timeout: 1_200_000 }, async () => {
    await scenario('rootless', [
      { firmware: 'bios', profile: 'install-to-disk' },
      { firmware: 'uefi', profile: 'live-image' },
    ]);
  });
});
