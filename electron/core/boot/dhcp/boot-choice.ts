/**
 * Which boot answer a client gets (DESIGN §5.3). Pure: the request's facts and the boot
 * configuration in, one answer out, so every firmware case is a unit test.
 */
import { Arch, type ClientInfo } from './client-info';

export interface BootFiles {
  /** BIOS PXE (arch 0): iPXE's UNDI loader keeps using the ROM's network driver. */
  bios: string;
  /** x64 UEFI (7, 9) and ia32 UEFI (6). `snponly.efi` is the choice for NICs iPXE has no driver for. */
  efiX64: string;
  efiIa32: string;
  /** arm64 UEFI (11). */
  efiArm64: string;
}

export const DEFAULT_BOOT_FILES: BootFiles = {
  bios: 'undionly.kpxe',
  efiX64: 'ipxe.efi',
  efiIa32: 'ipxe.efi',
  efiArm64: 'snp.efi',
};

export interface BootConfig {
  /** Address clients reach the TFTP and HTTP boot services on (the lab interface's address). */
  serverAddress: string;
  httpPort: number;
  files: BootFiles;
  /** URL path under which the HTTP boot server serves the iPXE binaries, for UEFI HTTP boot. */
  httpBinaryPath: string;
  /** Path of the per-node iPXE script. */
  scriptPath: string;
}

export type Firmware = 'bios' | 'uefi';

export type BootAnswer =
  | { kind: 'tftp'; firmware: Firmware; file: string }
  | { kind: 'http'; firmware: 'uefi'; url: string }
  | { kind: 'script'; url: string }
  | { kind: 'none'; reason: string };

export function chooseBoot(client: ClientInfo, cfg: BootConfig): BootAnswer {
  if (!client.pxeClient && !client.httpClient) {
    return { kind: 'none', reason: `not a network boot client (vendor class "${client.vendorClass}")` };
  }
  const base = `http://${cfg.serverAddress}${cfg.httpPort === 80 ? '' : `:${cfg.httpPort}`}`;

  // iPXE is already running: hand it the script. Offering the iPXE binary again would chainload
  // forever — the user class is what breaks that loop (DESIGN §8). The MAC is written in by us
  // (as pixiecore does) rather than left as ${net0/mac}: net0 is not always the NIC that booted.
  if (client.ipxe) return { kind: 'script', url: `${base}${cfg.scriptPath}?mac=${client.mac}` };

  const file = fileForArch(client.arch ?? Arch.BiosX86, cfg.files);
  if (file === null) return { kind: 'none', reason: `unsupported client architecture ${client.arch}` };

  // UEFI HTTP boot wants a URL for the binary, never a TFTP name.
  if (client.httpClient || isHttpArch(client.arch)) {
    if (file.firmware !== 'uefi') return { kind: 'none', reason: `HTTP boot requested by non-UEFI architecture ${client.arch}` };
    return { kind: 'http', firmware: 'uefi', url: `${base}${cfg.httpBinaryPath}/${file.name}` };
  }
  return { kind: 'tftp', firmware: file.firmware, file: file.name };
}

function fileForArch(arch: number, files: BootFiles): { name: string; firmware: Firmware } | null {
  switch (arch) {
    case Arch.BiosX86:
      return { name: files.bios, firmware: 'bios' };
    case Arch.EfiIa32:
    case Arch.HttpIa32:
      return { name: files.efiIa32, firmware: 'uefi' };
    case Arch.EfiBc:
    case Arch.EfiX64:
    case Arch.HttpX64:
      return { name: files.efiX64, firmware: 'uefi' };
    case Arch.EfiArm64:
    case Arch.HttpArm64:
      return { name: files.efiArm64, firmware: 'uefi' };
    default:
      return null;
  }
}

function isHttpArch(arch: number | null): boolean {
  return arch === Arch.HttpIa32 || arch === Arch.HttpX64 || arch === Arch.HttpArm64;
}

/**
 * The per-MAC hook the caller supplies (the lead wires it to the inventory): 'boot' when the node
 * should get a boot answer, 'ignore' when its netboot flag is off so it falls through to its disk.
 * It is also where unknown MACs get recorded as `discovered`.
 */
export type BootDecision = 'boot' | 'ignore';
export type DecideBoot = (mac: string, client: ClientInfo) => BootDecision | Promise<BootDecision>;
