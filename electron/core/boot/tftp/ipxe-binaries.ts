/**
 * Which iPXE binaries the TFTP roots can serve. PXE firmware only knows how to fetch these over
 * TFTP (DESIGN §5.3); without them no node can boot, so the Boot page shows this message.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

/** Boot files by firmware, in the order DESIGN §5.3 lists them. */
export const IPXE_BINARIES = [
  { name: 'undionly.kpxe', firmware: 'BIOS (arch 0)' },
  { name: 'ipxe.efi', firmware: 'x64 UEFI (arch 7/9)' },
  { name: 'snponly.efi', firmware: 'x64 UEFI, NIC driver from firmware (arch 7/9, optional)' },
  { name: 'snp.efi', firmware: 'arm64 UEFI (arch 11)' },
] as const;

/** Debian's `ipxe` package puts the x86 binaries here. */
export const DEBIAN_IPXE_DIR = '/usr/lib/ipxe';

export interface IpxeBinariesReport {
  found: { name: string; path: string }[];
  missing: string[];
  /** One sentence a person can act on; empty when everything is there. */
  message: string;
}

export async function findIpxeBinaries(roots: readonly string[]): Promise<IpxeBinariesReport> {
  const found: { name: string; path: string }[] = [];
  const missing: string[] = [];
  for (const { name } of IPXE_BINARIES) {
    const path = await firstFile(roots, name);
    if (path) found.push({ name, path });
    else missing.push(name);
  }
  return { found, missing, message: describe(roots, found, missing) };
}

async function firstFile(roots: readonly string[], name: string): Promise<string | null> {
  for (const root of roots) {
    const path = join(root, name);
    const st = await fsp.stat(path).catch(() => null);
    if (st?.isFile()) return path;
  }
  return null;
}

function describe(roots: readonly string[], found: { name: string }[], missing: string[]): string {
  const where = roots.length ? roots.join(', ') : '(no folders configured)';
  const fix =
    `Install Debian's ipxe package (sudo apt-get install ipxe, which fills ${DEBIAN_IPXE_DIR}) ` +
    'or choose a folder that contains undionly.kpxe and ipxe.efi in Boot settings.';
  if (found.length === 0) return `No iPXE binaries found in ${where}: no node can network-boot yet. ${fix}`;
  if (missing.length === 0) return '';
  const lacking = missing
    .map((m) => `${m} (${IPXE_BINARIES.find((b) => b.name === m)?.firmware ?? 'unknown firmware'})`)
    .join(', ');
  const essential = missing.some((m) => m === 'undionly.kpxe' || m === 'ipxe.efi');
  return essential
    ? `Missing ${lacking} in ${where}: nodes with that firmware cannot boot. ${fix}`
    : `Missing ${lacking} in ${where}; only nodes with that firmware are affected. ` +
        'Debian ships no arm64 snp.efi: choose a folder with one if you boot arm64 nodes.';
}
