import { describe, expect, it } from 'vitest';
import { chooseBoot, DEFAULT_BOOT_FILES, type BootConfig } from './boot-choice';
import { readClientInfo } from './client-info';
import { decodePacket, encodePacket } from './codec';
import { MessageType, Opt, optionData } from './options';
import { buildProxyReply } from './proxy-reply';
import { decodeSubOptions } from './pxe-options';
import { clientRequest, type RequestSpec } from './testing/packets';

const cfg: BootConfig = {
  serverAddress: '10.9.0.1',
  httpPort: 8080,
  files: DEFAULT_BOOT_FILES,
  httpBinaryPath: '/ipxe',
  scriptPath: '/boot.ipxe',
};
const choose = (s: RequestSpec, c: BootConfig = cfg) => chooseBoot(readClientInfo(clientRequest(s)), c);

describe('chooseBoot', () => {
  it('BIOS gets undionly.kpxe over TFTP', () => {
    expect(choose({ arch: 0 })).toEqual({ kind: 'tftp', firmware: 'bios', file: 'undionly.kpxe' });
    // No option 93: the arch in option 60 is used, and without it BIOS is assumed.
    expect(choose({ arch: null, vendorClass: 'PXEClient:Arch:00007:UNDI:003016' })).toMatchObject({ file: 'ipxe.efi', firmware: 'uefi' });
    expect(choose({ arch: null, vendorClass: 'PXEClient' })).toMatchObject({ file: 'undionly.kpxe' });
  });

  it('x64/ia32 UEFI gets ipxe.efi (or snponly.efi when configured); arm64 gets snp.efi', () => {
    for (const arch of [6, 7, 9]) expect(choose({ arch })).toEqual({ kind: 'tftp', firmware: 'uefi', file: 'ipxe.efi' });
    expect(choose({ arch: 7 }, { ...cfg, files: { ...DEFAULT_BOOT_FILES, efiX64: 'snponly.efi' } })).toMatchObject({ file: 'snponly.efi' });
    expect(choose({ arch: 11 })).toEqual({ kind: 'tftp', firmware: 'uefi', file: 'snp.efi' });
  });

  it('UEFI HTTP boot gets a URL', () => {
    expect(choose({ arch: 16, vendorClass: 'HTTPClient:Arch:00016:UNDI:003001' })).toEqual({
      kind: 'http',
      firmware: 'uefi',
      url: 'http://10.9.0.1:8080/ipxe/ipxe.efi',
    });
    expect(choose({ arch: 19, vendorClass: 'HTTPClient' })).toMatchObject({ url: 'http://10.9.0.1:8080/ipxe/snp.efi' });
  });

  it('iPXE gets the boot script with its MAC, whatever the arch (breaks the chainload loop)', () => {
    expect(choose({ arch: 0, userClass: 'iPXE', mac: '52:54:00:aa:bb:cc' })).toEqual({
      kind: 'script',
      url: 'http://10.9.0.1:8080/boot.ipxe?mac=52:54:00:aa:bb:cc',
    });
    expect(choose({ arch: 7, userClass: 'iPXE' }, { ...cfg, httpPort: 80 })).toMatchObject({ url: expect.stringMatching(/^http:\/\/10\.9\.0\.1\/boot/) });
  });

  it('no answer for non-PXE clients and unknown architectures', () => {
    expect(choose({ vendorClass: 'MSFT 5.0', arch: null })).toMatchObject({ kind: 'none', reason: expect.stringMatching(/not a network boot client/) });
    expect(choose({ vendorClass: null, arch: null })).toMatchObject({ kind: 'none' });
    expect(choose({ arch: 2 })).toMatchObject({ kind: 'none', reason: 'unsupported client architecture 2' });
  });
});

describe('buildProxyReply (DESIGN §5.4 field rules)', () => {
  const reply = (s: RequestSpec, type: 2 | 5 = MessageType.Offer) => {
    const request = clientRequest(s);
    const answer = chooseBoot(readClientInfo(request), cfg);
    if (answer.kind === 'none') throw new Error(answer.reason);
    const r = decodePacket(encodePacket(buildProxyReply({ request, answer, serverAddress: cfg.serverAddress, type })));
    if (!r.ok) throw new Error(r.error);
    return r.packet;
  };

  it('BIOS OFFER: 53, 54, 60=PXEClient, echoed 97, 43 with sub-option 6=8, file in both places', () => {
    const p = reply({ arch: 0, xid: 77 });
    expect(p).toMatchObject({ op: 2, xid: 77, yiaddr: '0.0.0.0', siaddr: '10.9.0.1', sname: '10.9.0.1', file: 'undionly.kpxe' });
    expect(optionData(p.options, Opt.MessageType)?.[0]).toBe(MessageType.Offer);
    expect(optionData(p.options, Opt.ServerId)).toEqual(Buffer.from([10, 9, 0, 1]));
    expect(optionData(p.options, Opt.VendorClass)?.toString()).toBe('PXEClient');
    expect(optionData(p.options, Opt.ClientGuid)).toEqual(optionData(clientRequest().options, Opt.ClientGuid));
    expect(optionData(p.options, Opt.BootFileName)?.toString()).toBe('undionly.kpxe');
    expect(decodeSubOptions(optionData(p.options, Opt.VendorSpecific)!)).toEqual([{ code: 6, data: Buffer.from([8]) }]);
  });

  it('UEFI: no option 43', () => {
    const p = reply({ arch: 7 });
    expect(p.file).toBe('ipxe.efi');
    expect(optionData(p.options, Opt.VendorSpecific)).toBeUndefined();
  });

  it('HTTP boot: 60=HTTPClient and the URL as the boot file', () => {
    const p = reply({ arch: 16, vendorClass: 'HTTPClient:Arch:00016' });
    expect(optionData(p.options, Opt.VendorClass)?.toString()).toBe('HTTPClient');
    expect(p.file).toBe('http://10.9.0.1:8080/ipxe/ipxe.efi');
  });

  it('ACK on 4011 keeps the client address and the relay agent option', () => {
    const p = reply({ arch: 7, type: MessageType.Request, ciaddr: '10.9.0.50', extra: [{ code: Opt.RelayAgent, data: Buffer.from([1, 1, 5]) }] }, MessageType.Ack);
    expect(p.ciaddr).toBe('10.9.0.50');
    expect(optionData(p.options, Opt.MessageType)?.[0]).toBe(MessageType.Ack);
    expect(optionData(p.options, Opt.RelayAgent)).toEqual(Buffer.from([1, 1, 5]));
  });

  it('a URL too long for the file field still travels whole in option 67', () => {
    const request = clientRequest({ userClass: 'iPXE' });
    const url = `http://10.9.0.1:8080/${'x'.repeat(200)}`;
    const p = buildProxyReply({ request, answer: { kind: 'script', url }, serverAddress: '10.9.0.1', type: MessageType.Offer });
    expect(p.file).toBe('');
    expect(optionData(p.options, Opt.BootFileName)?.toString()).toBe(url);
    expect(() => encodePacket(p)).not.toThrow();
  });
});
