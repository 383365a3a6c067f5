/**
 * Whether the lab tier can run here. On a developer machine without root or QEMU the lab tests
 * are skipped with the reason printed; under CI (CI=true) that is a failure instead, because
 * .ci/run installs everything the lab needs and must not pass without running it.
 */
import { existsSync } from 'node:fs';
import { isRoot } from './lab-net';
import { OVMF, QEMU } from './qemu-node';

export function labUnavailable(): string | null {
  if (!isRoot()) return 'the lab tier needs root (network namespaces, taps, ports 67/69)';
  for (const path of [QEMU, OVMF, '/usr/lib/ipxe/ipxe.efi']) {
    if (!existsSync(path)) return `${path} is missing: run scripts/setup-system.sh`;
  }
  return null;
}

/** Returns true when the lab tests should be skipped (and says why); throws under CI. */
export function skipLab(): boolean {
  const reason = labUnavailable();
  if (!reason) return false;
  if (process.env.CI) throw new Error(`lab tier cannot run under CI: ${reason}`);
  console.warn(`lab tests skipped: ${reason}`);
  return true;
}
