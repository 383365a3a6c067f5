import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientMac, decodePacket, encodePacket, type DhcpPacket } from './codec';
import { MessageType, Opt, opt, optionData, writeTlvs } from './options';
import { decodeClientArch, decodeClientGuid, decodeSubOptions, decodeUserClass, encodeSubOptions, encodeUserClassRfc3004 } from './pxe-options';
import { clientRequest } from './testing/packets';

function decodeOk(b: Buffer): DhcpPacket {
  const r = decodePacket(b);
  if (!r.ok) throw new Error(r.error);
  return r.packet;
}

describe('DHCP codec', () => {
  it('round-trips a PXE DISCOVER with every option Rackpilot reads', () => {
    const p = clientRequest({
      arch: 7,
      userClass: 'iPXE',
      extra: [
        opt.raw(Opt.ParameterList, Buffer.from([1, 3, 6, 43, 60, 66, 67])),
        opt.raw(Opt.ClientId, Buffer.from([1, 0x52, 0x54, 0, 0x12, 0x34, 0x56])),
        opt.raw(Opt.ClientNdi, Buffer.from([1, 3, 16])),
        opt.raw(Opt.RelayAgent, Buffer.from([1, 4, 0xde, 0xad, 0xbe, 0xef])),
        opt.raw(Opt.VendorSpecific, encodeSubOptions([opt.u8(6, 8)])),
        opt.str(Opt.TftpServerName, '10.0.0.1'),
        opt.str(Opt.BootFileName, 'ipxe.efi'),
        opt.ip(Opt.ServerId, '10.0.0.1'),
      ],
    });
    const bytes = encodePacket(p);
    expect(bytes.length).toBeGreaterThanOrEqual(300);
    const back = decodeOk(bytes);
    expect(back).toEqual(p);
    expect(clientMac(back)).toBe('52:54:00:12:34:56');
    expect(encodePacket(back)).toEqual(bytes);
  });

  it('reads the PXE-specific options', () => {
    const p = decodeOk(encodePacket(clientRequest({ arch: 9 })));
    expect(decodeClientArch(optionData(p.options, Opt.ClientArch)!)).toEqual([9]);
    expect(decodeClientGuid(optionData(p.options, Opt.ClientGuid)!)).toBe('12345678-9abc-def0-1234-56789abcdef0');
    expect(decodeClientGuid(Buffer.from([1, 2, 3]))).toBeNull();
  });

  it('reads option 77 both as iPXE sends it (bare string) and in RFC 3004 form', () => {
    expect(decodeUserClass(Buffer.from('iPXE'))).toEqual(['iPXE']);
    expect(decodeUserClass(encodeUserClassRfc3004(['iPXE', 'lab']))).toEqual(['iPXE', 'lab']);
    expect(decodeUserClass(Buffer.from([4, 0x69]))).toEqual([Buffer.from([4, 0x69]).toString('latin1')]);
  });

  it('encodes and decodes PXE sub-options in option 43', () => {
    const data = encodeSubOptions([opt.u8(6, 8), opt.str(10, 'PXE')]);
    expect([...data]).toEqual([6, 1, 8, 10, 3, 0x50, 0x58, 0x45, 255]);
    expect(decodeSubOptions(data)).toEqual([opt.u8(6, 8), opt.str(10, 'PXE')]);
    expect(decodeSubOptions(Buffer.from([6, 5, 1]))).toBeNull();
  });

  it('splits long options into several instances and joins them back (RFC 3396)', () => {
    const long = Buffer.alloc(600, 7);
    const p = clientRequest({ extra: [opt.raw(Opt.BootFileName, long)] });
    const back = decodeOk(encodePacket(p));
    expect(optionData(back.options, Opt.BootFileName)).toEqual(long);
  });

  it('reads options from sname/file when option 52 overloads them', () => {
    const bytes = encodePacket(clientRequest({ extra: [opt.u8(Opt.Overload, 3)] }));
    writeTlvs([opt.str(Opt.BootFileName, 'from-file-field')]).copy(bytes, 108);
    writeTlvs([opt.str(Opt.TftpServerName, 'from-sname')]).copy(bytes, 44);
    const back = decodeOk(bytes);
    expect(optionData(back.options, Opt.BootFileName)?.toString()).toBe('from-file-field');
    expect(optionData(back.options, Opt.TftpServerName)?.toString()).toBe('from-sname');
    expect(back.options.some((o) => o.code === Opt.Overload)).toBe(false);
    expect(back.file).toBe('');
  });

  it('skips pad, stops at end, and reports truncation instead of throwing', () => {
    const bytes = encodePacket(clientRequest());
    const cut = bytes.subarray(0, 243);
    cut[240] = Opt.Pad;
    cut[241] = Opt.VendorClass;
    cut[242] = 9;
    expect(decodePacket(cut)).toMatchObject({ ok: false, error: expect.stringMatching(/option 60 .* runs past the end/) });
    expect(decodePacket(Buffer.alloc(10))).toMatchObject({ ok: false, error: expect.stringMatching(/too short/) });
    const noCookie = Buffer.from(bytes);
    noCookie.writeUInt32BE(0, 236);
    expect(decodePacket(noCookie)).toMatchObject({ ok: false, error: expect.stringMatching(/magic cookie/) });
  });

  it('the message type survives', () => {
    const back = decodeOk(encodePacket(clientRequest({ type: MessageType.Request })));
    expect(optionData(back.options, Opt.MessageType)?.[0]).toBe(MessageType.Request);
  });

  describe('fuzzing (fast-check)', () => {
    it('never throws on arbitrary bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), (bytes) => {
          const r = decodePacket(bytes);
          expect(typeof r.ok).toBe('boolean');
        }),
        { numRuns: 3000 },
      );
    });

    it('never throws on a valid header followed by arbitrary option bytes', () => {
      const header = encodePacket(clientRequest()).subarray(0, 240);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ minLength: 192, maxLength: 192 }), (tail, names) => {
          const b = Buffer.concat([header, Buffer.from(tail)]);
          Buffer.from(names).copy(b, 44);
          const r = decodePacket(b);
          if (r.ok) {
            // What decodes re-encodes, and decodes to the same packet again.
            const again = decodePacket(encodePacket(r.packet));
            expect(again).toEqual(r);
          }
        }),
        { numRuns: 3000 },
      );
    });

    it('encode(decode(x)) is stable for generated valid packets', () => {
      const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((t) => t.join('.'));
      const option = fc.record({
        code: fc.integer({ min: 1, max: 254 }).filter((c) => c !== Opt.Overload),
        data: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      });
      const name = (max: number) => fc.string({ maxLength: max, unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)) });
      const packet = fc.record({
        op: fc.constantFrom(1, 2),
        htype: fc.nat(255),
        hlen: fc.nat(16),
        hops: fc.nat(255),
        xid: fc.nat(0xffffffff),
        secs: fc.nat(0xffff),
        flags: fc.nat(0xffff),
        ciaddr: ip,
        yiaddr: ip,
        siaddr: ip,
        giaddr: ip,
        chaddr: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
        sname: name(63),
        file: name(127),
        options: fc.array(option, { maxLength: 8 }),
      });
      fc.assert(
        fc.property(packet, (p) => {
          const once = encodePacket(p);
          const decoded = decodePacket(once);
          expect(decoded.ok).toBe(true);
          if (!decoded.ok) return;
          expect(encodePacket(decoded.packet)).toEqual(once);
          // Long options come back split at 255 bytes; their joined value is unchanged.
          for (const code of new Set(p.options.map((o) => o.code))) {
            expect(optionData(decoded.packet.options, code)).toEqual(optionData(p.options, code));
          }
        }),
        { numRuns: 1000 },
      );
    });
  });
});
