/**
 * What a DHCP request tells us about the machine asking: its MAC, firmware architecture, whether
 * it is a PXE / UEFI HTTP boot client, and whether iPXE is already running.
 */
import { clientMac, type DhcpPacket } from './codec';
import { Opt, optionData } from './options';
import { decodeClientArch, decodeClientGuid, decodeClientNdi, decodeUserClass, type ClientNdi } from './pxe-options';

/** RFC 4578 / IANA processor architecture types that matter to Rackpilot. */
export const Arch = {
  BiosX86: 0,
  EfiIa32: 6,
  EfiBc: 7, // "EFI byte code" in RFC 4578, but x64 UEFI firmware sends it in practice
  EfiX64: 9,
  EfiArm32: 10,
  EfiArm64: 11,
  HttpIa32: 15,
  HttpX64: 16,
  HttpArm64: 19,
} as const;

export interface ClientInfo {
  mac: string;
  /** First entry of option 93, or null when absent (then the client is treated as BIOS PXE). */
  arch: number | null;
  vendorClass: string;
  /** Option 60 starts with PXEClient: a PXE ROM or iPXE. */
  pxeClient: boolean;
  /** Option 60 starts with HTTPClient: UEFI HTTP boot, which wants a URL. */
  httpClient: boolean;
  userClass: string[];
  /** iPXE is already running (user class "iPXE"), so it should get the boot script, not iPXE again. */
  ipxe: boolean;
  guid: string | null;
  ndi: ClientNdi | null;
}

export function readClientInfo(p: DhcpPacket): ClientInfo {
  const vendorClass = optionData(p.options, Opt.VendorClass)?.toString('latin1') ?? '';
  const archData = optionData(p.options, Opt.ClientArch);
  const userClassData = optionData(p.options, Opt.UserClass);
  const guidData = optionData(p.options, Opt.ClientGuid);
  const ndiData = optionData(p.options, Opt.ClientNdi);
  const userClass = userClassData ? decodeUserClass(userClassData) : [];
  return {
    mac: clientMac(p),
    arch: archData ? (decodeClientArch(archData)[0] ?? null) : archFromVendorClass(vendorClass),
    vendorClass,
    pxeClient: vendorClass.startsWith('PXEClient'),
    httpClient: vendorClass.startsWith('HTTPClient'),
    userClass,
    ipxe: userClass.includes('iPXE'),
    guid: guidData ? decodeClientGuid(guidData) : null,
    ndi: ndiData ? decodeClientNdi(ndiData) : null,
  };
}

/** PXE clients also spell the arch inside option 60 ("PXEClient:Arch:00007:UNDI:003016"). */
function archFromVendorClass(vc: string): number | null {
  const m = /:Arch:(\d{5})/.exec(vc);
  return m ? Number(m[1]) : null;
}
