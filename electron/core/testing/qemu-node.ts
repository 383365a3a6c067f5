/**
 * Test helper: one virtual bare-metal node in QEMU (TCG), network-booting from a tap in a lab
 * namespace, its serial console captured to a file the test can wait on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const QEMU = '/usr/bin/qemu-system-x86_64';
export const OVMF = '/usr/share/ovmf/OVMF.fd';

export interface QemuNodeOptions {
  ns: string;
  tap: string;
  mac: string;
  firmware: 'bios' | 'uefi';
  dir: string;
  memoryMb?: number;
}

export interface QemuNode {
  serialPath: string;
  serial(): string;
  waitForSerial(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

export function qemuAvailable(): boolean {
  return existsSync(QEMU) && existsSync(OVMF);
}

export function startQemuNode(o: QemuNodeOptions): QemuNode {
  const serialPath = join(o.dir, `serial-${o.mac.replace(/:/g, '')}.log`);
  writeFileSync(serialPath, '');
  // BIOS: SeaBIOS runs QEMU's iPXE option ROM. UEFI: OVMF's own PXE (romfile= drops the iPXE
  // ROM), so the node takes the firmware → TFTP ipxe.efi → iPXE → HTTP path real servers take.
  const nic = o.firmware === 'uefi' ? `virtio-net-pci,netdev=n0,mac=${o.mac},romfile=` : `virtio-net-pci,netdev=n0,mac=${o.mac}`;
  const args = [
    'netns', 'exec', o.ns, QEMU,
    '-accel', 'tcg',
    '-m', String(o.memoryMb ?? 256),
    '-display', 'none',
    '-monitor', 'none',
    '-serial', `file:${serialPath}`,
    '-boot', 'n',
    '-netdev', `tap,id=n0,ifname=${o.tap},script=no,downscript=no`,
    '-device', nic,
    // SeaBIOS draws on VGA; graphics=off makes it (and the iPXE ROM) print on the serial port.
    ...(o.firmware === 'uefi' ? ['-bios', OVMF] : ['-machine', 'graphics=off']),
  ];
  const child: ChildProcess = spawn('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const serial = () => readFileSync(serialPath, 'latin1');
  return {
    serialPath,
    serial,
    async waitForSerial(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const text = serial();
        const m = pattern.exec(text);
        if (m) return m[0];
        if (child.exitCode !== null) throw new Error(`QEMU exited (${child.exitCode}): ${stderr}\nserial:\n${text.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`serial console never matched ${pattern} within ${timeoutMs / 1000} s; last output:\n${serial().slice(-2000)}`);
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
