/**
 * QEMU processes a previous Rackpilot left behind (it crashed or was killed, so it could not stop
 * its VMs). Their consoles went to a pipe nobody reads and nobody controls them any more: they
 * are ended at the next start. A recorded pid counts only if its command line carries the VM's
 * unique name — a pid reused by another program is never touched.
 */
import { readFileSync } from 'node:fs';
import { vmProcessName } from './qemu-args';

export function isVmProcess(pid: number, vmId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(vmProcessName(vmId));
  } catch {
    return false;
  }
}

/** SIGTERM (QEMU quits cleanly on it), then SIGKILL if it is still there after `graceMs`. */
export function endStaleVm(pid: number, vmId: string, graceMs = 3000): boolean {
  if (!isVmProcess(pid, vmId)) return false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  const timer = setTimeout(() => {
    if (isVmProcess(pid, vmId)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }, graceMs);
  timer.unref();
  return true;
}
