/**
 * What the practice rack needs from this machine: QEMU, qemu-img, the iPXE option ROM QEMU's
 * virtio NIC boots with, and OVMF for UEFI nodes — and, when something is missing, which Debian
 * package brings it. Also the accelerator: KVM only where it really works, TCG otherwise.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { VLAB_INSTALL_COMMAND, type VlabMissing, type VmAccelerator, type VmFirmware } from '../../../shared/domain/vlab';

export interface VlabPaths {
  qemu: string;
  qemuImg: string;
  /** OVMF as one image (code + volatile variables), passed with -bios. */
  ovmf: string;
  /** Folders searched for efi-virtio.rom (QEMU's default ROM for virtio-net: iPXE for BIOS and UEFI). */
  romDirs: string[];
}

export type AcceleratorChoice = 'auto' | VmAccelerator;

function findInPath(name: string, fallback: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return fallback;
}

export function defaultPaths(overrides: Partial<VlabPaths> = {}): VlabPaths {
  return {
    qemu: overrides.qemu ?? findInPath('qemu-system-x86_64', '/usr/bin/qemu-system-x86_64'),
    qemuImg: overrides.qemuImg ?? findInPath('qemu-img', '/usr/bin/qemu-img'),
    ovmf: overrides.ovmf ?? '/usr/share/ovmf/OVMF.fd',
    // Debian's QEMU looks in /usr/lib/ipxe/qemu (ipxe-qemu) as well as its own data folder.
    romDirs: overrides.romDirs ?? ['/usr/lib/ipxe/qemu', '/usr/share/qemu'],
  };
}

export const NIC_ROM = 'efi-virtio.rom';

export interface HostCheck {
  missing: VlabMissing[];
  /** QEMU and qemu-img are present. */
  available: boolean;
  firmwares: Record<VmFirmware, boolean>;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function checkHost(paths: VlabPaths): HostCheck {
  const missing: VlabMissing[] = [];
  const qemu = executable(paths.qemu);
  const img = executable(paths.qemuImg);
  const rom = paths.romDirs.some((d) => existsSync(join(d, NIC_ROM)));
  const ovmf = existsSync(paths.ovmf);
  if (!qemu) missing.push({ what: 'QEMU (qemu-system-x86_64)', path: paths.qemu, package: 'qemu-system-x86' });
  if (!img) missing.push({ what: 'qemu-img (creates the nodes’ disks)', path: paths.qemuImg, package: 'qemu-utils' });
  if (!rom) missing.push({ what: 'iPXE ROM for QEMU’s network card', path: join(paths.romDirs[0] ?? '', NIC_ROM), package: 'ipxe-qemu' });
  if (!ovmf) missing.push({ what: 'OVMF (UEFI firmware)', path: paths.ovmf, package: 'ovmf' });
  return { missing, available: qemu && img, firmwares: { bios: qemu && rom, uefi: qemu && rom && ovmf } };
}

export function installHint(missing: VlabMissing[]): string | null {
  if (missing.length === 0) return null;
  return `sudo apt-get install ${[...new Set(missing.map((m) => m.package))].join(' ')}`;
}

export function missingMessage(missing: VlabMissing[]): string | null {
  if (missing.length === 0) return null;
  return `The practice rack needs ${missing.map((m) => `${m.what} at ${m.path}`).join(', ')}. Install them with: ${installHint(missing)} (all of it: ${VLAB_INSTALL_COMMAND}).`;
}

let versionCache: { path: string; version: string | null } | null = null;

export function qemuVersion(path: string): string | null {
  if (versionCache?.path === path) return versionCache.version;
  let version: string | null;
  try {
    const out = execFileSync(path, ['--version'], { timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    version = /version\s+(\S+)/.exec(out)?.[1] ?? null;
  } catch {
    version = null;
  }
  versionCache = { path, version };
  return version;
}

/**
 * KVM needs /dev/kvm writable by this user AND the CPU's virtualisation extension visible to this
 * system. On some nested hosts /dev/kvm exists while VT-x/AMD-V is hidden; QEMU then starts under
 * KVM and the guest hangs in its firmware (seen here: iPXE never gets past "starting execution").
 */
export function chooseAccelerator(choice: AcceleratorChoice): { kind: VmAccelerator; reason: string } {
  if (choice === 'tcg') return { kind: 'tcg', reason: 'TCG (software emulation) as configured' };
  if (choice === 'kvm') return { kind: 'kvm', reason: 'KVM as configured' };
  const slow = 'TCG (software emulation, several times slower)';
  if (process.platform !== 'linux') return { kind: 'tcg', reason: `${slow}: KVM exists only on Linux` };
  if (!existsSync('/dev/kvm')) return { kind: 'tcg', reason: `${slow}: /dev/kvm is missing (KVM not loaded, or virtualisation off in the BIOS)` };
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { kind: 'tcg', reason: `${slow}: /dev/kvm is not writable by this user (add the user to the kvm group, then log in again)` };
  }
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // unreadable: treat as no extension
  }
  if (!/^flags\s*:.*\b(vmx|svm)\b/m.test(flags)) {
    return { kind: 'tcg', reason: `${slow}: this CPU shows no VT-x/AMD-V to this system (nested virtualisation off), so KVM would hang` };
  }
  return { kind: 'kvm', reason: 'KVM (hardware virtualisation)' };
}
