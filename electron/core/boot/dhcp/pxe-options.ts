/**
 * Typed views of the options PXE and iPXE clients send (RFC 4578, RFC 3004, PXE 2.1 spec) and of
 * the vendor-specific area (option 43) that carries PXE sub-options.
 */
import { readTlvs, writeTlvs, optionData, Opt, type DhcpOption } from './options';

/** PXE sub-options of option 43 (PXE spec 2.1 table 2-1). */
export const PxeSubOpt = {
  DiscoveryControl: 6,
  BootServers: 8,
  BootMenu: 9,
  MenuPrompt: 10,
  BootItem: 71,
} as const;

/** DiscoveryControl bit 3: boot the file in this answer, skip boot-server discovery. */
export const PXE_DISCOVERY_USE_BOOTFILE = 8;

export function decodeSubOptions(data: Buffer): DhcpOption[] | null {
  const r = readTlvs(data, 'option 43');
  return r.ok ? r.options : null;
}

/** Sub-options are TLVs like options, closed with an End byte of their own. */
export function encodeSubOptions(subs: readonly DhcpOption[]): Buffer {
  return Buffer.concat([writeTlvs(subs), Buffer.from([Opt.End])]);
}

/**
 * Option 77. RFC 3004 frames it as length-prefixed class names, but iPXE (and some others) send a
 * bare string ("iPXE"). A value is taken as RFC 3004 only if its length bytes tile it exactly;
 * otherwise the whole value is one plain name.
 */
export function decodeUserClass(data: Buffer): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < data.length) {
    const len = data[i] as number;
    if (len === 0 || i + 1 + len > data.length) return [data.toString('latin1')];
    names.push(data.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  return names.length > 0 ? names : [];
}

export function encodeUserClassRfc3004(names: readonly string[]): Buffer {
  return Buffer.concat(names.map((n) => Buffer.concat([Buffer.from([n.length]), Buffer.from(n, 'latin1')])));
}

/** Option 93: a list of 16-bit architecture types, the first being the one in use. */
export function decodeClientArch(data: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) out.push(data.readUInt16BE(i));
  return out;
}

export function encodeClientArch(arches: readonly number[]): Buffer {
  const b = Buffer.alloc(arches.length * 2);
  arches.forEach((a, i) => b.writeUInt16BE(a, i * 2));
  return b;
}

/** Option 94: network interface identifier — type 1 (UNDI) and its major.minor version. */
export interface ClientNdi {
  type: number;
  major: number;
  minor: number;
}

export function decodeClientNdi(data: Buffer): ClientNdi | null {
  if (data.length !== 3) return null;
  return { type: data[0] as number, major: data[1] as number, minor: data[2] as number };
}

/** Option 97: type 0 followed by a 16-byte machine GUID. Anything else is not a usable id. */
export function decodeClientGuid(data: Buffer): string | null {
  if (data.length !== 17 || data[0] !== 0) return null;
  const h = data.subarray(1).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function encodeClientGuid(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a GUID: ${guid}`);
  return Buffer.concat([Buffer.from([0]), Buffer.from(hex, 'hex')]);
}

export function hasOption(options: readonly DhcpOption[], code: number): boolean {
  return optionData(options, code) !== undefined;
}
