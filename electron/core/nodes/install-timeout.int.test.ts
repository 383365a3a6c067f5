/**
 * The install timeout through the assembled app: real store, real boot HTTP server, the API as
 * the renderer calls it. The watchdog's clock is the test's (installs are timed in minutes), its
 * round a few milliseconds, so "an hour later" takes no time.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../../shared/domain/event';
import { isInstallFailureData } from '../../../shared/domain/install-failure';
import type { RpcClient } from '../../../renderer/rpc/client';
import { freePort } from '../testing/sshd';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';
import { CONSOLE_FILE } from '../vlab/console-log';
import { vmPaths } from '../vlab/vm-paths';

const MIN = 60_000;
let clock = Date.now();
const apps: TempApp[] = [];

function startApp(dir = tempDir(), intervalMs = 20): TempApp {
  const t = createTempApp(dir, { installWatchdog: { now: () => clock, intervalMs } });
  apps.push(t);
  return t;
}

afterEach(async () => {
  for (const t of apps.splice(0)) await t.close();
});

/** Boot services on loopback with high ports; returns the HTTP port. */
async function startBoot(client: RpcClient): Promise<number> {
  const http = await freePort();
  await client.call('boot.configure', { serverAddress: '127.0.0.1', interfaceName: 'lo', ports: { dhcp: await freePort(), proxy: await freePort(), tftp: await freePort(), http } });
  await client.call('boot.start', {});
  return http;
}

/** What the node's firmware and cloud-init fetch: its boot script, then its seed. */
async function fetchScriptAndSeed(http: number, mac: string): Promise<{ seedUrl: string; token: string; userData: string }> {
  const script = await (await fetch(`http://127.0.0.1:${http}/boot.ipxe?mac=${mac}`)).text();
  const match = /s=(http:\/\/\S+?\/nocloud\/[^/]+\/([^/]+)\/)/.exec(script);
  if (!match?.[1] || !match[2]) throw new Error(`no seed URL in the boot script:\n${script}`);
  const userData = await (await fetch(`${match[1]}user-data`)).text();
  return { seedUrl: match[1], token: match[2], userData };
}

async function failures(client: RpcClient, nodeId: string): Promise<AuditEvent[]> {
  return (await client.call('events.list', { subjectId: nodeId, limit: 50 })).filter((e) => e.kind === 'boot.install-failed');
}

async function waitForState(client: RpcClient, id: string, state: string): Promise<void> {
  await vi.waitFor(async () => expect((await client.call('nodes.get', { id })).state).toBe(state), { timeout: 5000, interval: 20 });
}

describe('install timeout', () => {
  it('fails an install that never phones home, with what the node last did and its console, and no seed token', async () => {
    clock = Date.now();
    const t = startApp();
    await t.client.call('settings.update', { installTimeoutMinutes: 1 });
    const http = await startBoot(t.client);
    // A practice-rack node (never started: its console is written by the test).
    const [vm] = await t.client.call('vlab.create', { memoryMb: 256, diskGb: 1, namePrefix: 'stuck' });
    if (!vm?.nodeId) throw new Error('vlab.create made no inventory node');
    const node = await t.client.call('nodes.get', { id: vm.nodeId });
    await t.client.call('nodes.install', { id: node.id, profileId: 'live-image', confirmName: node.name });
    const { seedUrl, token } = await fetchScriptAndSeed(http, node.mac);
    const phoneHomeUrl = seedUrl.replace('/nocloud/', '/phone-home/').replace(/\/$/, '');
    writeFileSync(
      join(vmPaths(t.dir, vm.id).dir, CONSOLE_FILE),
      'x'.repeat(80).concat('\n').repeat(80) +
        `[    0.000000] Command line: boot=live ip=dhcp ds=nocloud-net;s=${seedUrl} console=ttyS0\n` +
        `[   74.1] cloud-init[612]: phone_home: POST ${phoneHomeUrl} failed: Connection refused\n` +
        `[   74.2] cloud-init[612]: token again on its own: ${token}\n`,
    );

    clock += 59_000; // not yet
    await t.app.services.installWatchdog.check();
    expect((await t.client.call('nodes.get', { id: node.id })).state).toBe('installing');

    clock += 2_000;
    await waitForState(t.client, node.id, 'failed'); // the watchdog's own round, not a call from here
    expect(await t.client.call('nodes.get', { id: node.id })).toMatchObject({ state: 'failed', netboot: false });
    const [failed] = await failures(t.client, node.id);
    if (!failed) throw new Error('no boot.install-failed event');
    expect(failed.summary).toMatch(new RegExp(`^Install of ${node.name} failed: no phone-home within 1 min; last boot event: served user-data \\(seed\\) at \\d\\d:\\d\\d:\\d\\d \\(\\d+ s after arming\\)\\. It read its seed but never phoned home`));
    const data = failed.data;
    if (!isInstallFailureData(data)) throw new Error(`unexpected failure data: ${JSON.stringify(data)}`);
    expect(data.timeoutMinutes).toBe(1);
    expect(data.lastEvents.length).toBeLessThanOrEqual(5);
    expect(data.lastEvents.at(-1)).toMatchObject({ kind: 'boot.http', summary: 'served user-data (seed)' });
    expect(data.consoleTail).toContain(`ds=nocloud-net;s=${seedUrl.replace(token, '[redacted]')} console=ttyS0`);
    expect(data.consoleTail).toContain('/phone-home/');
    expect(data.consoleTail).toContain('token again on its own: [redacted]');
    expect(Buffer.byteLength(data.consoleTail ?? '')).toBeLessThanOrEqual(4096);
    // The secret that lets anyone read this node's user-data is nowhere in the failure.
    expect(JSON.stringify(failed)).not.toContain(token);
  });

  it('lets a phone-home that arrives before the timeout win', async () => {
    clock = Date.now();
    const t = startApp();
    await t.client.call('settings.update', { installTimeoutMinutes: 1 });
    const http = await startBoot(t.client);
    const node = await t.client.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:20:01' });
    await t.client.call('nodes.install', { id: node.id, profileId: 'live-image', confirmName: 'r720-01' });
    const { userData } = await fetchScriptAndSeed(http, node.mac);
    const dir = tempDir();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
    const phoneHome = /phone_home:[\s\S]*?url: *['"]?(http:\/\/\S+?)['"]?\s/.exec(userData)?.[1];
    if (!phoneHome) throw new Error(`no phone_home URL in user-data:\n${userData}`);
    const body = new URLSearchParams({ pub_key_ed25519: readFileSync(join(dir, 'host.pub'), 'utf8').trim(), hostname: 'r720-01' });
    const res = await fetch(phoneHome, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(200);

    clock += 10 * MIN;
    await t.app.services.installWatchdog.check();
    expect((await t.client.call('nodes.get', { id: node.id })).state).toBe('installed');
    expect(await failures(t.client, node.id)).toEqual([]);
  });

  it('stops the clock on cancel and restarts it on re-arm', async () => {
    clock = Date.now();
    const t = startApp();
    await t.client.call('settings.update', { installTimeoutMinutes: 10 });
    const node = await t.client.call('nodes.create', { name: 'r720-02', mac: '52:54:00:aa:20:02' });
    const arm = () => t.client.call('nodes.install', { id: node.id, profileId: 'live-image', confirmName: 'r720-02' });

    await arm();
    await t.client.call('nodes.cancelInstall', { id: node.id });
    clock += 60 * MIN;
    await t.app.services.installWatchdog.check();
    expect((await t.client.call('nodes.get', { id: node.id })).state).toBe('ready');

    await arm();
    clock += 8 * MIN;
    await arm(); // Rebuild before the first run out: 10 more minutes from here
    clock += 8 * MIN;
    await t.app.services.installWatchdog.check();
    expect((await t.client.call('nodes.get', { id: node.id })).state).toBe('installing');
    clock += 2 * MIN;
    await t.app.services.installWatchdog.check();
    expect((await t.client.call('nodes.get', { id: node.id })).state).toBe('failed');
    const [failed] = await failures(t.client, node.id);
    expect(failed?.summary).toContain('no phone-home within 10 min; the node has not network-booted since it was armed');
  });

  it('fails on start an install that ran out while Rackpilot was closed', async () => {
    clock = Date.now();
    const dir = tempDir();
    const first = startApp(dir);
    await first.client.call('settings.update', { installTimeoutMinutes: 30 });
    const node = await first.client.call('nodes.create', { name: 'r720-03', mac: '52:54:00:aa:20:03' });
    await first.client.call('nodes.install', { id: node.id, profileId: 'live-image', confirmName: 'r720-03' });
    apps.splice(apps.indexOf(first), 1);
    await first.close({ keepDir: true });

    clock += 20 * MIN;
    const second = startApp(dir);
    await second.app.services.installWatchdog.check();
    expect((await second.client.call('nodes.get', { id: node.id })).state).toBe('installing');
    apps.splice(apps.indexOf(second), 1);
    await second.close({ keepDir: true });

    clock += 11 * MIN;
    // Rounds an hour apart: only the check at start can fail it now.
    const third = startApp(dir, 60 * MIN);
    await waitForState(third.client, node.id, 'failed');
    const [failed] = await failures(third.client, node.id);
    expect(failed?.summary).toContain('no phone-home within 30 min');
  });
});
