import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../../store/database';
import { DEFAULT_BOOT_FILES } from './boot-choice';
import { respond, type ResponderContext } from './dhcp-responder';
import { LeasesRepo } from './leases-repo';
import { MessageType, Opt, opt, optionData } from './options';
import { DEFAULT_DHCP_PORTS } from './proxy-dhcp';
import { clientRequest, type RequestSpec } from './testing/packets';

let dir: string;
let db: Db;
let ctx: ResponderContext;
let clock: number;
const reserved = new Map<string, string>();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rp-dhcp-unit-'));
  db = openStore(dir).db;
  clock = 1_000_000;
  reserved.clear();
  ctx = {
    net: { serverAddress: '10.5.0.1', subnetMask: '255.255.255.0', pool: { start: '10.5.0.100', end: '10.5.0.102' }, router: '10.5.0.1', dnsServers: ['10.5.0.1'], leaseSeconds: 3600 },
    leases: new LeasesRepo(db),
    reservations: { reservationFor: (mac) => reserved.get(mac) ?? null, reservedAddresses: () => reserved.values() },
    ports: DEFAULT_DHCP_PORTS,
    now: () => clock,
  };
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const plain = (s: RequestSpec) => clientRequest({ vendorClass: null, arch: null, guid: null, ...s });
const type = (p: { options: { code: number; data: Buffer }[] } | null) => (p ? optionData(p.options, Opt.MessageType)?.[0] : undefined);
const withServer = (ip: string, server = '10.5.0.1') => [opt.ip(Opt.RequestedIp, ip), opt.ip(Opt.ServerId, server)];

describe('full DHCP responder', () => {
  it('DISCOVER → OFFER → REQUEST → ACK, with the network options, lease persisted', async () => {
    const offer = await respond(plain({ mac: '02:00:00:00:00:01' }), ctx);
    expect(type(offer.reply)).toBe(MessageType.Offer);
    expect(offer.reply!.yiaddr).toBe('10.5.0.100');
    expect(offer.to).toEqual({ address: '255.255.255.255', port: 68 });
    for (const code of [Opt.SubnetMask, Opt.Router, Opt.DnsServers, Opt.LeaseTime, Opt.ServerId]) expect(optionData(offer.reply!.options, code)).toBeDefined();

    const ack = await respond(plain({ mac: '02:00:00:00:00:01', type: MessageType.Request, extra: withServer('10.5.0.100') }), ctx);
    expect(type(ack.reply)).toBe(MessageType.Ack);
    expect(ack.event).toMatchObject({ kind: 'lease-ack', ip: '10.5.0.100' });
    expect(ctx.leases.byMac('02:00:00:00:00:01')).toMatchObject({ ip: '10.5.0.100', state: 'bound', expiresAt: clock + 3600_000 });
    // The same client asking again gets the same address.
    expect((await respond(plain({ mac: '02:00:00:00:00:01' }), ctx)).reply!.yiaddr).toBe('10.5.0.100');
  });

  it('reservations win, and reserved addresses are not given to others', async () => {
    reserved.set('02:00:00:00:00:aa', '10.5.0.100');
    expect((await respond(plain({ mac: '02:00:00:00:00:aa' }), ctx)).reply!.yiaddr).toBe('10.5.0.100');
    expect((await respond(plain({ mac: '02:00:00:00:00:02' }), ctx)).reply!.yiaddr).toBe('10.5.0.101');
  });

  it('ignores a REQUEST naming another server, and forgets its own offer', async () => {
    await respond(plain({ mac: '02:00:00:00:00:03' }), ctx);
    const r = await respond(plain({ mac: '02:00:00:00:00:03', type: MessageType.Request, extra: withServer('192.168.1.50', '192.168.1.1') }), ctx);
    expect(r.reply).toBeNull();
    expect(ctx.leases.byMac('02:00:00:00:00:03')).toBeNull();
  });

  it('NAKs a REQUEST for an address held by someone else', async () => {
    await respond(plain({ mac: '02:00:00:00:00:04', type: MessageType.Request, extra: withServer('10.5.0.100') }), ctx);
    const r = await respond(plain({ mac: '02:00:00:00:00:05', type: MessageType.Request, extra: withServer('10.5.0.100') }), ctx);
    expect(type(r.reply)).toBe(MessageType.Nak);
    expect(r.event).toMatchObject({ kind: 'lease-nak' });
  });

  it('expiry frees an address; DECLINE keeps it out; RELEASE frees it', async () => {
    await respond(plain({ mac: '02:00:00:00:00:06', type: MessageType.Request, extra: withServer('10.5.0.100') }), ctx);
    expect((await respond(plain({ mac: '02:00:00:00:00:07' }), ctx)).reply!.yiaddr).toBe('10.5.0.101');
    clock += 3601_000;
    expect(ctx.leases.purgeExpired(clock)).toBe(2);
    expect((await respond(plain({ mac: '02:00:00:00:00:07' }), ctx)).reply!.yiaddr).toBe('10.5.0.100');

    const d = await respond(plain({ mac: '02:00:00:00:00:07', type: MessageType.Decline, extra: withServer('10.5.0.100') }), ctx);
    expect(d).toMatchObject({ reply: null, event: { kind: 'lease-decline', ip: '10.5.0.100' } });
    expect((await respond(plain({ mac: '02:00:00:00:00:07' }), ctx)).reply!.yiaddr).toBe('10.5.0.101');

    await respond(plain({ mac: '02:00:00:00:00:08', type: MessageType.Request, extra: withServer('10.5.0.102') }), ctx);
    const rel = await respond(plain({ mac: '02:00:00:00:00:08', type: MessageType.Release, ciaddr: '10.5.0.102', extra: [opt.ip(Opt.ServerId, '10.5.0.1')] }), ctx);
    expect(rel.event).toMatchObject({ kind: 'lease-release', ip: '10.5.0.102' });
    expect(ctx.leases.byIp('10.5.0.102')).toBeNull();
  });

  it('reports an exhausted pool instead of answering', async () => {
    for (const n of [1, 2, 3]) await respond(plain({ mac: `02:00:00:00:01:0${n}`, type: MessageType.Request, extra: withServer(`10.5.0.10${n - 1}`) }), ctx);
    const r = await respond(plain({ mac: '02:00:00:00:01:09' }), ctx);
    expect(r).toMatchObject({ reply: null, event: { kind: 'lease-nak', reason: expect.stringMatching(/exhausted/) } });
  });

  it('INFORM gets configuration without an address, unicast to the client', async () => {
    const r = await respond(plain({ mac: '02:00:00:00:00:09', type: MessageType.Inform, ciaddr: '10.5.0.77' }), ctx);
    expect(type(r.reply)).toBe(MessageType.Ack);
    expect(r.reply!.yiaddr).toBe('0.0.0.0');
    expect(optionData(r.reply!.options, Opt.LeaseTime)).toBeUndefined();
    expect(r.to).toEqual({ address: '10.5.0.77', port: 68 });
  });

  it('a PXE client gets its address and its boot file in one answer', async () => {
    ctx.boot = {
      config: { serverAddress: '10.5.0.1', httpPort: 8080, files: DEFAULT_BOOT_FILES, httpBinaryPath: '/ipxe', scriptPath: '/boot.ipxe' },
      decide: () => 'boot',
    };
    const r = await respond(clientRequest({ arch: 0 }), ctx);
    expect(r.reply).toMatchObject({ yiaddr: '10.5.0.100', siaddr: '10.5.0.1', file: 'undionly.kpxe' });
    // No PXEClient / option 43 in an address offer: UEFI firmware would take it for a BINL
    // offer and ask port 4011, which full DHCP does not serve (seen with OVMF in the lab test).
    expect(optionData(r.reply!.options, Opt.VendorClass)).toBeUndefined();
    expect(optionData(r.reply!.options, Opt.VendorSpecific)).toBeUndefined();
    expect(optionData(r.reply!.options, Opt.BootFileName)?.toString()).toBe('undionly.kpxe');
    expect(optionData(r.reply!.options, Opt.ServerId)?.length).toBe(4);
    expect(r.reply!.options.filter((o) => o.code === Opt.MessageType)).toHaveLength(1);
    expect(r.bootEvent).toMatchObject({ kind: 'boot-offer', bootFile: 'undionly.kpxe' });
  });

  it('UEFI HTTP boot clients still get HTTPClient back, and an unarmed node gets no boot file but an event', async () => {
    const config = { serverAddress: '10.5.0.1', httpPort: 8080, files: DEFAULT_BOOT_FILES, httpBinaryPath: '/ipxe', scriptPath: '/boot.ipxe' };
    ctx.boot = { config, decide: () => 'boot' };
    const http = await respond(clientRequest({ arch: 16, vendorClass: 'HTTPClient:Arch:00016:UNDI:003001' }), ctx);
    expect(optionData(http.reply!.options, Opt.VendorClass)?.toString()).toBe('HTTPClient');
    ctx.boot = { config, decide: () => 'ignore' };
    const off = await respond(clientRequest({ arch: 0 }), ctx);
    expect(off.reply?.file).toBe('');
    expect(off.bootEvent).toMatchObject({ kind: 'boot-ignored' });
  });
});
