import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFileName } from './file-name';
import { negotiateOptions } from './options';
import { decodePacket, encodeError, encodeOack } from './packets';
import { toNetascii } from './block-source';
import { rrq } from './test-kit';

const limits = { maxBlockSize: 1468, maxWindowSize: 16, defaultTimeoutMs: 1000 };

describe('decodePacket', () => {
  it('reads a read request with case-insensitive options', () => {
    const p = decodePacket(rrq('undionly.kpxe', { BLKSIZE: '1468', tsize: '0' }, 'OCTET'));
    expect(p).toEqual({ kind: 'RRQ', file: 'undionly.kpxe', mode: 'octet', options: new Map([['blksize', '1468'], ['tsize', '0']]) });
  });

  it('types malformed input instead of throwing', () => {
    expect(decodePacket(Buffer.alloc(0))).toMatchObject({ kind: 'invalid' });
    expect(decodePacket(Buffer.from([0, 4, 1]))).toMatchObject({ kind: 'invalid' });
    expect(decodePacket(Buffer.from('\0\x01file\0octet', 'latin1'))).toMatchObject({ kind: 'invalid', reason: /NUL/ });
    expect(decodePacket(Buffer.from('\0\x01file\0binary\0', 'latin1'))).toMatchObject({ kind: 'invalid', reason: /mode/ });
    expect(decodePacket(Buffer.from([0, 42]))).toMatchObject({ kind: 'invalid', reason: /opcode 42/ });
  });

  it('never throws on any datagram (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1600 }), (bytes) => void decodePacket(Buffer.from(bytes))), { numRuns: 5000 });
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 8 }), fc.constantFrom(1, 2, 5), (fields, op) => {
        void decodePacket(Buffer.concat([Buffer.from([0, op]), Buffer.from(fields.map((f) => `${f}\0`).join(''), 'latin1')]));
      }),
    );
  });

  it('encodes OACK and ERROR packets', () => {
    expect(encodeOack(new Map([['blksize', '1468']]))).toEqual(Buffer.from('\0\x06blksize\x001468\0', 'latin1'));
    expect(encodeError(2, 'no')).toEqual(Buffer.from('\0\x05\0\x02no\0', 'latin1'));
  });
});

describe('negotiateOptions', () => {
  it('grants blksize, windowsize, timeout and tsize, lowering to the caps', () => {
    const n = negotiateOptions(new Map([['blksize', '65464'], ['windowsize', '64'], ['timeout', '3'], ['tsize', '0'], ['multicast', '']]), 1234, limits);
    expect(n).toMatchObject({ blockSize: 1468, windowSize: 16, timeoutMs: 3000 });
    expect([...n.oack]).toEqual([['blksize', '1468'], ['windowsize', '16'], ['timeout', '3'], ['tsize', '1234']]);
  });

  it('leaves invalid values out of the OACK and falls back to RFC 1350', () => {
    const n = negotiateOptions(new Map([['blksize', '7'], ['windowsize', '0'], ['timeout', '256'], ['tsize', 'x']]), 10, limits);
    expect(n).toMatchObject({ blockSize: 512, windowSize: 1, timeoutMs: 1000 });
    expect(n.oack.size).toBe(0);
    expect(negotiateOptions(new Map([['blksize', '1e3']]), 0, limits).oack.size).toBe(0);
  });
});

describe('checkFileName', () => {
  it.each([
    ['undionly.kpxe', 'undionly.kpxe'],
    ['efi/ipxe.efi', 'efi/ipxe.efi'],
    ['./a//b', 'a/b'],
  ])('accepts %s as %s', (raw, relative) => expect(checkFileName(raw)).toEqual({ ok: true, relative }));

  it.each(['../../etc/passwd', '/etc/passwd', 'a/../../b', '..', '..\\..\\windows', 'a\0b', 'caf\u00e9', '', '.', 'x'.repeat(256), 'a\nb'])(
    'refuses %j',
    (raw) => expect(checkFileName(raw).ok).toBe(false),
  );

  it('never lets ".." through (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('..', '.', 'a', '', '/', 'b.efi', '\\'), { maxLength: 10 }), (parts) => {
        const r = checkFileName(parts.join('/'));
        if (r.ok) expect(r.relative.split('/')).not.toContain('..');
      }),
    );
  });
});

describe('toNetascii', () => {
  it('turns LF into CR LF and a bare CR into CR NUL', () => {
    expect(toNetascii(Buffer.from('a\nb\rc'))).toEqual(Buffer.from('a\r\nb\r\0c', 'latin1'));
  });
});
