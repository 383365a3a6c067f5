/**
 * The assembled app, not the parts: start the boot services through the API on loopback with
 * high ports, arm a node, then fetch what its firmware and cloud-init would — the script, the
 * seed (with Rackpilot's SSH key in it) — and phone home with real OpenSSH host keys.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../testing/sshd';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';

let t: TempApp | undefined;
afterEach(async () => {
  await t?.client.call('boot.stop', {});
  await t?.close();
});

describe('boot services as assembled by the app', () => {
  it('serves an armed node its script and seed with the app’s key, and its phone-home ends the install', async () => {
    t = createTempApp();
    const http = await freePort();
    await t.client.call('boot.configure', { serverAddress: '127.0.0.1', interfaceName: 'lo', ports: { dhcp: await freePort(), proxy: await freePort(), tftp: await freePort(), http } });
    const status = await t.client.call('boot.start', {});
    expect(status.services.find((s) => s.name === 'http')).toMatchObject({ state: 'listening', port: http });
    const node = await t.client.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:10:01' });
    await t.client.call('nodes.install', { id: node.id, profileId: 'live-image', confirmName: 'r720-01' });

    const script = await (await fetch(`http://127.0.0.1:${http}/boot.ipxe?mac=52-54-00-AA-10-01`)).text();
    const seed = /s=(http:\/\/\S+?\/nocloud\/[^/]+\/[^/]+\/)/.exec(script)?.[1];
    expect(seed, script).toBeDefined();
    const userData = await (await fetch(`${seed}user-data`)).text();
    const appKey = t.app.services.ssh.publicKey?.authorizedKey ?? '';
    expect(appKey).toMatch(/^ssh-ed25519 /);
    expect(userData).toContain(appKey.split(' ').slice(0, 2).join(' '));
    expect(userData).not.toContain('PRIVATE KEY');

    const dir = tempDir();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
    const hostKey = readFileSync(join(dir, 'host.pub'), 'utf8').trim();
    const phoneHome = /phone_home:[\s\S]*?url: *['"]?(http:\/\/\S+?)['"]?\s/.exec(userData)?.[1];
    expect(phoneHome, userData).toBeDefined();
    const res = await fetch(phoneHome!, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ pub_key_ed25519: hostKey, hostname: 'r720-01', instance_id: 'i-1' }) });
    expect(res.status).toBeLessThan(300);
    const installed = await t.client.call('nodes.get', { id: node.id });
    expect(installed).toMatchObject({ state: 'installed', netboot: false, hostKeys: [{ type: 'ssh-ed25519' }] });
    // Boot-once: the next PXE boot of this node gets the local-boot script.
    expect(await (await fetch(`http://127.0.0.1:${http}/boot.ipxe?mac=52:54:00:aa:10:01`)).text()).not.toContain('nocloud');
  });
});
