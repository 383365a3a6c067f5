import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';
import { parsePublicKey } from './host-keys';
import { canTransition } from './lifecycle';

let t: TempApp;
afterEach(async () => t?.close());

describe('host keys', () => {
  it('computes the fingerprint exactly as ssh-keygen prints it', () => {
    const dir = tempDir();
    const file = join(dir, 'k');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    const line = readFileSync(`${file}.pub`, 'utf8');
    const printed = execFileSync('ssh-keygen', ['-lf', `${file}.pub`]).toString().split(' ')[1];
    expect(parsePublicKey(line)).toMatchObject({ type: 'ssh-ed25519', fingerprint: printed });
  });

  it('refuses garbage and a blob whose type disagrees', () => {
    expect(parsePublicKey('ssh-ed25519 not-base64!')).toBeNull();
    expect(parsePublicKey('hello world')).toBeNull();
    const ed = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    expect(parsePublicKey(`ssh-rsa ${ed}`)).toBeNull();
    expect(parsePublicKey(`ssh-ed25519 ${ed} root@x`)?.type).toBe('ssh-ed25519');
  });
});

describe('node lifecycle', () => {
  it('allows the documented paths and refuses shortcuts', () => {
    expect(canTransition('ready', 'installing')).toBe(true);
    expect(canTransition('installing', 'installed')).toBe(true);
    expect(canTransition('provisioned', 'installing')).toBe(true); // rebuild
    expect(canTransition('discovered', 'provisioned')).toBe(false);
    expect(canTransition('ready', 'installed')).toBe(false);
  });
});

describe('boot inventory', () => {
  const key = { type: 'ssh-ed25519', key: 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', fingerprint: 'SHA256:x' };

  it('boots an armed node once: install, phone-home, then local', async () => {
    t = createTempApp();
    const inv = t.app.services.bootInventory;
    const node = await t.client.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:00:01' });
    expect(inv.decide(node.mac)).toMatchObject({ action: 'local' });

    inv.requestInstall(node.id, 'live');
    const armed = inv.decide(node.mac);
    expect(armed).toMatchObject({ action: 'install', profileId: 'live' });
    if (armed.action !== 'install') throw new Error('not armed');
    expect(inv.seedAccess(node.id, 'wrong-token')).toBeNull();
    expect(inv.seedAccess(node.id, armed.seedToken)?.id).toBe(node.id);

    const installed = inv.phoneHome(node.id, armed.seedToken, [key], { hostname: 'r720-01' });
    expect(installed).toMatchObject({ state: 'installed', netboot: false, hostKeys: [key] });
    expect(inv.decide(node.mac)).toMatchObject({ action: 'local' });
    // The seed token never appears in what the API returns.
    expect(JSON.stringify(await t.client.call('nodes.get', { id: node.id }))).not.toContain(armed.seedToken);
    const kinds = (await t.client.call('events.list', { subjectId: node.id })).map((e) => e.kind);
    expect(kinds).toEqual(['boot.phone-home', 'boot.install-requested', 'node.created']);
  });

  it('records an unknown MAC once as discovered, never armed', () => {
    t = createTempApp();
    const inv = t.app.services.bootInventory;
    const a = inv.recordDiscovered('52:54:00:aa:00:09', { firmware: 'uefi', ip: '10.0.0.9' });
    const b = inv.recordDiscovered('52:54:00:aa:00:09', {});
    expect(b.id).toBe(a.id);
    expect(a).toMatchObject({ state: 'discovered', netboot: false, firmware: 'uefi', name: 'discovered-525400aa0009' });
    expect(inv.decide(a.mac)).toMatchObject({ action: 'local' });
  });

  it('refuses a phone-home with a wrong token or without host keys', async () => {
    t = createTempApp();
    const inv = t.app.services.bootInventory;
    const node = await t.client.call('nodes.create', { name: 'n1', mac: '52:54:00:aa:00:02' });
    inv.requestInstall(node.id, 'live');
    const armed = inv.decide(node.mac);
    if (armed.action !== 'install') throw new Error('not armed');
    expect(() => inv.phoneHome(node.id, 'nope', [key])).toThrow(/wrong token/);
    expect(() => inv.phoneHome(node.id, armed.seedToken, [])).toThrow(/no SSH host keys/);
  });

  it('cancel returns an installing node to ready with netboot off', async () => {
    t = createTempApp();
    const inv = t.app.services.bootInventory;
    const node = await t.client.call('nodes.create', { name: 'n1', mac: '52:54:00:aa:00:03' });
    inv.requestInstall(node.id, 'live');
    expect(inv.cancelInstall(node.id)).toMatchObject({ state: 'ready', netboot: false });
  });
});
