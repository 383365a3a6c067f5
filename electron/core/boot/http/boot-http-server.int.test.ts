/**
 * The boot HTTP server over real sockets with a real core: scripts per lifecycle state, seeds
 * behind per-node tokens, Range/HEAD asset serving, phone-home and boot-once, timeline events.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AssetEntry } from '../../../../shared/domain/asset';
import type { AuditEvent } from '../../../../shared/domain/event';
import { createLogger } from '../../log';
import { createTempApp, tempDir, type TempApp } from '../../testing/temp-app';
import { AssetCache } from '../assets/asset-cache';
import { ProfilesService } from '../profiles/profiles-service';
import type { StaticInterface } from '../profiles/render';
import { startBootHttpServer, type BootHttpServer } from './boot-http-server';
import type { LocalBoot } from './ipxe-script';

const ADMIN_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm8Yq3Z3n5kqkQ7CwY1u5m2D8s0k2C1lW8yM9xkRkq1 rackpilot@test';
const SQUASHFS = randomBytes(2 * 1024 * 1024 + 17);

function hostKey(type: string): string {
  const name = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(name.length);
  return `${type} ${Buffer.concat([len, name, randomBytes(32)]).toString('base64')} root@node`;
}

const CATALOG: AssetEntry[] = [
  { id: 'live-vmlinuz', name: 'kernel', role: 'kernel', fileName: 'vmlinuz', url: null, sha256: null },
  { id: 'live-initrd', name: 'initrd', role: 'initrd', fileName: 'initrd.img', url: null, sha256: null },
  { id: 'live-squashfs', name: 'squashfs', role: 'squashfs', fileName: 'filesystem.squashfs', url: null, sha256: null },
];

let t: TempApp;
let server: BootHttpServer;
let base: string;
let profiles: ProfilesService;
/** What the server's extraInterfaces lookup answers (the practice rack's peer NICs). */
const extraNics = new Map<string, StaticInterface[]>();

async function start(localBoot: LocalBoot = 'exit') {
  await server?.close();
  const assets = new AssetCache({ dataDir: t.dir, jobs: t.app.services.jobs, catalog: CATALOG });
  const src = tempDir();
  for (const [id, body] of [['live-vmlinuz', Buffer.from('kernel')], ['live-initrd', Buffer.from('initrd')], ['live-squashfs', SQUASHFS]] as const) {
    const file = join(src, id);
    writeFileSync(file, body);
    const job = await t.app.services.jobs.settled(assets.import({ id, path: file, sha256: createHash('sha256').update(body).digest('hex') }).id);
    expect(job.state).toBe('succeeded');
  }
  profiles = new ProfilesService(t.app.services.db, t.app.services.audit, (id) => assets.urlPath(id));
  server = await startBootHttpServer({
    host: '127.0.0.1',
    port: 0,
    inventory: t.app.services.bootInventory,
    profiles,
    assets,
    adminPublicKeys: [ADMIN_KEY],
    localBoot,
    extraInterfaces: (nodeId) => extraNics.get(nodeId) ?? [],
    fetchIdleMs: 150,
    log: createLogger('error'),
  });
  base = server.url;
}

beforeEach(async () => {
  extraNics.clear();
  t = createTempApp();
  await start();
});
afterEach(async () => {
  await server.close();
  await t.close();
});

const get = (path: string, init?: RequestInit) => fetch(`${base}${path}`, init);
const events = (nodeId: string): AuditEvent[] => t.app.services.audit.list({ limit: 500, subjectId: nodeId }).reverse();

function armedNode(mac = '52:54:00:00:00:01') {
  const inv = t.app.services.bootInventory;
  const node = inv.recordDiscovered(mac, {});
  inv.requestInstall(node.id, 'live-image');
  const decision = inv.decide(mac);
  if (decision.action !== 'install') throw new Error('not armed');
  return { node, token: decision.seedToken };
}

describe('GET /boot.ipxe', () => {
  it('asks iPXE for its MAC when the request has none', async () => {
    const body = await (await get('/boot.ipxe')).text();
    expect(body).toBe(`#!ipxe\nchain --replace --autofree ${base}/boot.ipxe?mac=\${netX/mac}&platform=\${platform}&arch=\${buildarch} || exit\n`);
  });

  it('answers a bad MAC with a message and a local boot', async () => {
    const body = await (await get('/boot.ipxe?mac=$%7Bnet0/mac%7D')).text();
    expect(body).toMatch(/^#!ipxe\necho Rackpilot: this boot request carried no valid MAC address/);
    expect(body).not.toContain('${');
    expect(body.trimEnd().endsWith('exit')).toBe(true);
  });

  it('records an unknown MAC as discovered and boots it locally', async () => {
    const res = await get('/boot.ipxe?mac=52-54-00-AB-CD-EF&platform=efi&arch=x86_64');
    expect(await res.text()).toBe('#!ipxe\necho Rackpilot: discovered-525400abcdef boots from its local disk\nexit\n');
    const node = t.app.services.nodes.list().find((n) => n.mac === '52:54:00:ab:cd:ef');
    expect(node).toMatchObject({ state: 'discovered', netboot: false, firmware: 'uefi' });
  });

  it('serves the install of an armed node with its NoCloud seed URL', async () => {
    const { node, token } = armedNode();
    const script = await (await get('/boot.ipxe?mac=52:54:00:00:00:01')).text();
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!ipxe');
    expect(lines[2]).toBe(
      `kernel ${base}/assets/live-vmlinuz/vmlinuz initrd=initrd boot=live fetch=${base}/assets/live-squashfs/filesystem.squashfs ip=dhcp ds=nocloud-net;s=${base}/nocloud/${node.id}/${token}/ console=ttyS0,115200n8 console=tty0 || goto failed`,
    );
    expect(lines[3]).toBe(`initrd --name initrd ${base}/assets/live-initrd/initrd.img || goto failed`);
    expect(events(node.id).map((e) => e.summary)).toContain('served boot.ipxe (install Live image (practice rack))');
  });
});

describe('NoCloud seed', () => {
  it('serves meta-data, user-data, vendor-data and network-config to the right token only', async () => {
    const { node, token } = armedNode();
    const seed = `/nocloud/${node.id}/${token}/`;
    const meta = parse(await (await get(`${seed}meta-data`)).text()) as Record<string, string>;
    expect(meta['local-hostname']).toBe(node.name);
    expect(meta['instance-id']).toMatch(/^rackpilot-/);
    const userData = await (await get(`${seed}user-data`)).text();
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    const ud = parse(userData) as Record<string, unknown>;
    expect(ud.phone_home).toEqual({ url: `${base}/phone-home/${node.id}/${token}`, post: 'all', tries: 10 });
    expect(ud.manage_etc_hosts).toBe(true);
    expect(JSON.stringify(ud.users)).toContain(ADMIN_KEY);
    expect(await (await get(`${seed}vendor-data`)).text()).toBe('#cloud-config\n{}\n');
    expect((await get(`${seed}network-config`)).status).toBe(200);
    expect((await get(`${seed}preseed.cfg`)).status).toBe(404); // not a preseed profile

    const other = armedNode('52:54:00:00:00:02');
    const wrongToken = await get(`/nocloud/${node.id}/${other.token}/user-data`);
    const unknownNode = await get(`/nocloud/00000000-0000-4000-8000-000000000000/${token}/user-data`);
    expect(wrongToken.status).toBe(404);
    expect(unknownNode.status).toBe(404);
    expect(await wrongToken.text()).toBe(await unknownNode.text());
    expect(events(node.id).map((e) => e.summary)).toEqual(expect.arrayContaining(['served meta-data (seed)', 'served user-data (seed)']));
  });

  it('network-config: DHCP on the PXE NIC, and the static NICs the lookup names for this node only', async () => {
    const { node, token } = armedNode();
    const other = armedNode('52:54:00:00:00:02');
    const seed = `/nocloud/${node.id}/${token}/network-config`;
    expect(parse(await (await get(seed)).text())).toEqual({ version: 2, ethernets: { pxe: { match: { macaddress: node.mac }, dhcp4: true } } });

    // Asked per request: a peer NIC assigned meanwhile is in the next fetch.
    extraNics.set(node.id, [{ id: 'peer', mac: '52:54:00:0a:0b:0c', address: '10.77.0.11/24' }]);
    const res = await get(seed);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(parse(await res.text())).toEqual({
      version: 2,
      ethernets: {
        pxe: { match: { macaddress: node.mac }, dhcp4: true },
        peer: { match: { macaddress: '52:54:00:0a:0b:0c' }, dhcp4: false, addresses: ['10.77.0.11/24'] },
      },
    });
    const otherConfig = parse(await (await get(`/nocloud/${other.node.id}/${other.token}/network-config`)).text()) as { ethernets: object };
    expect(Object.keys(otherConfig.ethernets)).toEqual(['pxe']);
    expect(events(node.id).map((e) => e.summary)).toContain('served network-config (seed)');

    // The same config on the kernel command line (cloud-init 22.4 never fetches the seed's copy);
    // a node without static NICs boots the profile's command line unchanged.
    const kernelLine = (await (await get(`/boot.ipxe?mac=${node.mac}`)).text()).split('\n').find((l) => l.startsWith('kernel ')) ?? '';
    const arg = /\snetwork-config=([A-Za-z0-9+/=]+)\s/.exec(kernelLine)?.[1] ?? '';
    expect(parse(Buffer.from(arg, 'base64').toString('utf8'))).toEqual(parse(await (await get(seed)).text()));
    const otherKernel = (await (await get(`/boot.ipxe?mac=${other.node.mac}`)).text()).split('\n').find((l) => l.startsWith('kernel ')) ?? '';
    expect(otherKernel).toMatch(/^kernel .*ds=nocloud-net/);
    expect(otherKernel).not.toContain('network-config=');
  });
});

describe('GET /assets', () => {
  const path = '/assets/live-squashfs/filesystem.squashfs';

  it('serves whole files, ranges, HEAD and conditional requests', async () => {
    const full = await get(path);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-length')).toBe(String(SQUASHFS.length));
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await full.arrayBuffer()).equals(SQUASHFS)).toBe(true);
    const etag = full.headers.get('etag') ?? '';

    const part = await get(path, { headers: { Range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${SQUASHFS.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(SQUASHFS.subarray(1000, 2000))).toBe(true);

    const tail = await get(path, { headers: { Range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(SQUASHFS.subarray(-10))).toBe(true);
    const open = await get(path, { headers: { Range: `bytes=${SQUASHFS.length - 5}-` } });
    expect((await open.arrayBuffer()).byteLength).toBe(5);

    const beyond = await get(path, { headers: { Range: `bytes=${SQUASHFS.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${SQUASHFS.length}`);

    const stale = await get(path, { headers: { Range: 'bytes=0-9', 'If-Range': '"other"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();

    const head = await get(path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(SQUASHFS.length));
    expect((await get(path, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });

  it('never leaves the asset cache', async () => {
    const nasty = [
      '/assets/../rackpilot.db',
      '/assets/%2e%2e/rackpilot.db',
      '/assets/live-squashfs/..%2f..%2frackpilot.db',
      '/assets/live-squashfs/filesystem.squashfs.part',
      '/assets/live-squashfs/.verified.json',
      '/assets/live-squashfs%2ffilesystem.squashfs',
      '/assets//etc/passwd',
      '/assets/%00',
    ];
    for (const p of nasty) expect([p, (await get(p)).status]).toEqual([p, 404]);
    expect((await get(path, { method: 'POST' })).status).toBe(405);
  });

  it('serves many concurrent clients and writes one start and one end event per client and file', async () => {
    const { node } = armedNode();
    await get('/boot.ipxe?mac=52:54:00:00:00:01'); // ties 127.0.0.1 to the node
    const chunk = 64 * 1024;
    const requests = Array.from({ length: Math.ceil(SQUASHFS.length / chunk) }, (_, i) =>
      get(path, { headers: { Range: `bytes=${i * chunk}-${Math.min(SQUASHFS.length, (i + 1) * chunk) - 1}` } }).then(async (r) => Buffer.from(await r.arrayBuffer())),
    );
    const whole = Array.from({ length: 12 }, () => get(path).then(async (r) => Buffer.from(await r.arrayBuffer())));
    expect(Buffer.concat(await Promise.all(requests)).equals(SQUASHFS)).toBe(true);
    for (const body of await Promise.all(whole)) expect(body.equals(SQUASHFS)).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    const fetches = events(node.id).filter((e) => e.kind === 'boot.asset');
    expect(fetches.map((e) => e.summary.replace(/: .*/, ''))).toEqual(['started fetching live-squashfs/filesystem.squashfs', 'fetched live-squashfs/filesystem.squashfs']);
    expect(fetches[1]?.summary).toMatch(/: 26\.0 MiB in .* \(45 requests\)/);
  });
});

describe('POST /phone-home', () => {
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  it('pins host keys, clears netboot and makes the next boot local (boot-once)', async () => {
    const { node, token } = armedNode();
    const ed = hostKey('ssh-ed25519');
    const ecdsa = hostKey('ecdsa-sha2-nistp256');
    expect((await get(`/phone-home/${node.id}/${'x'.repeat(token.length)}`, form({ pub_key_ed25519: ed }))).status).toBe(404);
    expect((await get(`/phone-home/${node.id}/${token}`, { method: 'POST', body: 'x' })).status).toBe(415);
    const garbage = await get(`/phone-home/${node.id}/${token}`, form({ pub_key_ed25519: 'ssh-ed25519 not-base64!' }));
    expect([garbage.status, await garbage.text()]).toEqual([400, expect.stringMatching(/pub_key_ed25519 is not an OpenSSH public key/)]);
    const none = await get(`/phone-home/${node.id}/${token}`, form({ pub_key_rsa: 'N/A', hostname: node.name }));
    expect([none.status, await none.text()]).toEqual([400, expect.stringMatching(/no SSH host keys.*post: all/)]);
    const huge = await get(`/phone-home/${node.id}/${token}`, form({ pad: 'x'.repeat(100_000) }));
    expect(huge.status).toBe(413);

    const ok = await get(`/phone-home/${node.id}/${token}`, form({ pub_key_rsa: 'N/A', pub_key_ecdsa: `${ecdsa}\n`, pub_key_ed25519: `${ed}\n`, instance_id: 'i-1', hostname: node.name, fqdn: `${node.name}.lab` }));
    expect(ok.status).toBe(200);
    const after = t.app.services.nodes.get(node.id);
    expect(after).toMatchObject({ state: 'installed', netboot: false });
    expect(after.hostKeys.map((k) => k.type)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);

    expect(await (await get('/boot.ipxe?mac=52:54:00:00:00:01')).text()).toMatch(/boots from its local disk\nexit\n$/);
    // The installed system's cloud-init can still read its seed (Debian fetches it on first boot).
    expect((await get(`/nocloud/${node.id}/${token}/user-data`)).status).toBe(200);
  });

  it('answers an installed node with sanboot or a 404 when configured', async () => {
    const node = t.app.services.bootInventory.recordDiscovered('52:54:00:00:00:09', {});
    await start('sanboot');
    expect(await (await get('/boot.ipxe?mac=52:54:00:00:00:09')).text()).toContain('sanboot --no-describe --drive 0x80 || exit');
    await start('404');
    const res = await get('/boot.ipxe?mac=52:54:00:00:00:09');
    expect(res.status).toBe(404);
    expect(events(node.id).map((e) => e.summary)).toContain('served boot.ipxe (local boot: 404)');
  });
});

describe('listening', () => {
  it('reports a port in use with its own error code', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    await expect(
      startBootHttpServer({ host: '127.0.0.1', port, inventory: t.app.services.bootInventory, profiles, assets: { resolve: () => null }, adminPublicKeys: [], log: createLogger('error') }),
    ).rejects.toMatchObject({ code: 'E_PORT_IN_USE', message: expect.stringContaining(`Port ${port}`) });
    blocker.close();
  });
});
