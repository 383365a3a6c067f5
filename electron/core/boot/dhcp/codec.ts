/**
 * DHCPv4 packet codec (RFC 2131 header, RFC 2132 options area, RFC 2132 §9.3 overload).
 * decodePacket never throws: whatever arrives on UDP 67 is untrusted, and one bad packet must
 * not take the responder down. encodePacket throws on a packet Rackpilot itself built wrongly.
 */
import { Opt, readTlvs, writeTlvs, bufferToIp, ipToBuffer, type DhcpOption } from './options';

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
const HEADER_LEN = 236;
const MAGIC_COOKIE = 0x63825363;
/** RFC 2131 §2: the smallest DHCP message a client must accept; older relays drop shorter ones. */
const MIN_MESSAGE_LEN = 300;
export const BROADCAST_FLAG = 0x8000;

export interface DhcpPacket {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** All 16 bytes of the field; the hardware address is the first `hlen` of them. */
  chaddr: Buffer;
  /** Server host name, up to 63 characters (the field is NUL-terminated). */
  sname: string;
  /** Boot file name, up to 127 characters. */
  file: string;
  options: DhcpOption[];
}

export type DecodeResult = { ok: true; packet: DhcpPacket } | { ok: false; error: string };

export function decodePacket(buf: Uint8Array): DecodeResult {
  try {
    return decodeUnsafe(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (err) {
    // Belt and braces: the walk below checks every bound, but a decoder bug must still not escape.
    return { ok: false, error: `undecodable packet: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function decodeUnsafe(b: Buffer): DecodeResult {
  if (b.length < HEADER_LEN + 4) return { ok: false, error: `packet too short (${b.length} bytes, need at least ${HEADER_LEN + 4})` };
  if (b.readUInt32BE(HEADER_LEN) !== MAGIC_COOKIE) return { ok: false, error: 'no DHCP magic cookie (plain BOOTP or not DHCP)' };
  const op = b[0] as number;
  if (op !== BOOTREQUEST && op !== BOOTREPLY) return { ok: false, error: `bad op ${op}` };
  const hlen = b[2] as number;
  if (hlen > 16) return { ok: false, error: `hardware address length ${hlen} exceeds 16` };

  const main = readTlvs(b.subarray(HEADER_LEN + 4), 'options');
  if (!main.ok) return main;
  let options = main.options;
  let sname = cString(b.subarray(44, 108));
  let file = cString(b.subarray(108, 236));

  // Option 52 says the file and/or sname fields hold more options instead of names.
  const overload = options.find((o) => o.code === Opt.Overload)?.data[0];
  if (overload !== undefined) {
    if (overload < 1 || overload > 3) return { ok: false, error: `bad option overload value ${overload}` };
    options = options.filter((o) => o.code !== Opt.Overload);
    if (overload & 1) {
      const more = readTlvs(b.subarray(108, 236), 'file field');
      if (!more.ok) return more;
      options = options.concat(more.options);
      file = '';
    }
    if (overload & 2) {
      const more = readTlvs(b.subarray(44, 108), 'sname field');
      if (!more.ok) return more;
      options = options.concat(more.options);
      sname = '';
    }
  }

  return {
    ok: true,
    packet: {
      op,
      htype: b[1] as number,
      hlen,
      hops: b[3] as number,
      xid: b.readUInt32BE(4),
      secs: b.readUInt16BE(8),
      flags: b.readUInt16BE(10),
      ciaddr: bufferToIp(b, 12),
      yiaddr: bufferToIp(b, 16),
      siaddr: bufferToIp(b, 20),
      giaddr: bufferToIp(b, 24),
      chaddr: Buffer.from(b.subarray(28, 44)),
      sname,
      file,
      options,
    },
  };
}

export function encodePacket(p: DhcpPacket): Buffer {
  const head = Buffer.alloc(HEADER_LEN + 4);
  head[0] = p.op;
  head[1] = p.htype;
  head[2] = p.hlen;
  head[3] = p.hops;
  head.writeUInt32BE(p.xid >>> 0, 4);
  head.writeUInt16BE(p.secs, 8);
  head.writeUInt16BE(p.flags, 10);
  ipToBuffer(p.ciaddr).copy(head, 12);
  ipToBuffer(p.yiaddr).copy(head, 16);
  ipToBuffer(p.siaddr).copy(head, 20);
  ipToBuffer(p.giaddr).copy(head, 24);
  if (p.chaddr.length > 16) throw new RangeError('chaddr is longer than 16 bytes');
  p.chaddr.copy(head, 28);
  writeCString(head, 44, 64, p.sname, 'sname');
  writeCString(head, 108, 128, p.file, 'file');
  head.writeUInt32BE(MAGIC_COOKIE, HEADER_LEN);
  const out = Buffer.concat([head, writeTlvs(p.options), Buffer.from([Opt.End])]);
  return out.length >= MIN_MESSAGE_LEN ? out : Buffer.concat([out, Buffer.alloc(MIN_MESSAGE_LEN - out.length)]);
}

/** The client's hardware address as lower-case aa:bb:cc:dd:ee:ff. */
export function clientMac(p: DhcpPacket): string {
  return [...p.chaddr.subarray(0, Math.min(p.hlen, 16))].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function cString(field: Buffer): string {
  // A field with no NUL is cut one byte short, so what we decode we can always encode again.
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? field.length - 1 : nul).toString('latin1');
}

function writeCString(buf: Buffer, at: number, size: number, s: string, name: string): void {
  const bytes = Buffer.from(s, 'latin1');
  // One byte stays NUL so a client reading a C string stops inside the field.
  if (bytes.length >= size) throw new RangeError(`${name} is ${bytes.length} bytes; the field holds ${size - 1}`);
  bytes.copy(buf, at);
}
