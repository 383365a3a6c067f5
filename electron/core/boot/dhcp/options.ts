/**
 * DHCP option codes Rackpilot reads or writes (RFC 2132 unless noted) and the TLV walk over an
 * options area. Options are kept as an ordered list of raw values so a packet re-encodes exactly
 * as it arrived; typed readers live in client-info.ts and pxe-options.ts.
 */
export const Opt = {
  Pad: 0,
  SubnetMask: 1,
  Router: 3,
  DnsServers: 6,
  HostName: 12,
  DomainName: 15,
  BroadcastAddress: 28,
  RequestedIp: 50,
  LeaseTime: 51,
  Overload: 52,
  MessageType: 53,
  ServerId: 54,
  ParameterList: 55,
  Message: 56,
  MaxMessageSize: 57,
  RenewalTime: 58,
  RebindingTime: 59,
  VendorClass: 60,
  ClientId: 61,
  TftpServerName: 66,
  BootFileName: 67,
  UserClass: 77, // RFC 3004
  RelayAgent: 82, // RFC 3046: relays add it, servers echo it back untouched
  ClientArch: 93, // RFC 4578
  ClientNdi: 94, // RFC 4578
  ClientGuid: 97, // RFC 4578
  VendorSpecific: 43,
  End: 255,
} as const;

export const MessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
} as const;
export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType];

export const MESSAGE_TYPE_NAMES: Record<number, string> = {
  1: 'DISCOVER',
  2: 'OFFER',
  3: 'REQUEST',
  4: 'DECLINE',
  5: 'ACK',
  6: 'NAK',
  7: 'RELEASE',
  8: 'INFORM',
};

export interface DhcpOption {
  code: number;
  data: Buffer;
}

export type TlvResult = { ok: true; options: DhcpOption[] } | { ok: false; error: string };

/**
 * Walks code/length/value triples until End or the end of the area. Pad bytes are skipped. A
 * length that runs past the area is an error: the packet was cut or is garbage. A missing End is
 * tolerated, as many firmware clients omit it when the area is full.
 */
export function readTlvs(area: Buffer, where: string): TlvResult {
  const options: DhcpOption[] = [];
  let i = 0;
  while (i < area.length) {
    const code = area[i] as number;
    if (code === Opt.End) break;
    if (code === Opt.Pad) {
      i++;
      continue;
    }
    const len = area[i + 1];
    if (len === undefined || i + 2 + len > area.length) {
      return { ok: false, error: `option ${code} in ${where} at offset ${i} runs past the end` };
    }
    options.push({ code, data: Buffer.from(area.subarray(i + 2, i + 2 + len)) });
    i += 2 + len;
  }
  return { ok: true, options };
}

/** Writes options as TLVs; a value over 255 bytes is split into several instances (RFC 3396). */
export function writeTlvs(options: readonly DhcpOption[]): Buffer {
  const parts: Buffer[] = [];
  for (const { code, data } of options) {
    if (!Number.isInteger(code) || code <= Opt.Pad || code >= Opt.End) {
      throw new RangeError(`option code ${code} cannot be encoded (0 and 255 are framing, not options)`);
    }
    let off = 0;
    do {
      const chunk = data.subarray(off, off + 255);
      parts.push(Buffer.from([code, chunk.length]), chunk);
      off += 255;
    } while (off < data.length);
  }
  return Buffer.concat(parts);
}

/** All instances of an option, concatenated (RFC 3396 long options), or undefined if absent. */
export function optionData(options: readonly DhcpOption[], code: number): Buffer | undefined {
  const found = options.filter((o) => o.code === code);
  if (found.length === 0) return undefined;
  return found.length === 1 ? found[0]!.data : Buffer.concat(found.map((o) => o.data));
}

// Small builders so reply code reads as a list of named options.
export const opt = {
  u8: (code: number, v: number): DhcpOption => ({ code, data: Buffer.from([v & 0xff]) }),
  u16: (code: number, v: number): DhcpOption => {
    const data = Buffer.alloc(2);
    data.writeUInt16BE(v);
    return { code, data };
  },
  u32: (code: number, v: number): DhcpOption => {
    const data = Buffer.alloc(4);
    data.writeUInt32BE(v >>> 0);
    return { code, data };
  },
  ip: (code: number, ip: string): DhcpOption => ({ code, data: ipToBuffer(ip) }),
  ips: (code: number, ips: readonly string[]): DhcpOption => ({ code, data: Buffer.concat(ips.map(ipToBuffer)) }),
  str: (code: number, s: string): DhcpOption => ({ code, data: Buffer.from(s, 'latin1') }),
  raw: (code: number, data: Buffer): DhcpOption => ({ code, data }),
};

export function ipToBuffer(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`not an IPv4 address: ${ip}`);
  }
  return Buffer.from(parts);
}

export function bufferToIp(b: Buffer, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

export function ipToInt(ip: string): number {
  return ipToBuffer(ip).readUInt32BE(0);
}

export function intToIp(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return bufferToIp(b);
}
