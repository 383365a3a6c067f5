import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseBoot, DEFAULT_BOOT_FILES } from './boot-choice';
import { readClientInfo } from './client-info';
import { decodePacket, encodePacket } from './codec';
import { MessageType, Opt, optionData } from './options';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));
const cfg = { serverAddress: '10.79.0.1', httpPort: 8080, files: DEFAULT_BOOT_FILES, httpBinaryPath: '/ipxe', scriptPath: '/boot.ipxe' };

describe('packets captured from real firmware (fixtures/README.md)', () => {
  it('QEMU iPXE ROM (BIOS): DISCOVER with user class iPXE as a bare string → gets the boot script', () => {
    const r = decodePacket(fixture('qemu-ipxe-bios-discover.bin'));
    if (!r.ok) throw new Error(r.error);
    expect(optionData(r.packet.options, Opt.MessageType)?.[0]).toBe(MessageType.Discover);
    const c = readClientInfo(r.packet);
    expect(c).toMatchObject({ mac: '52:54:00:aa:00:01', arch: 0, pxeClient: true, ipxe: true, userClass: ['iPXE'] });
    expect(c.ndi).toEqual({ type: 1, major: 2, minor: 1 });
    expect(c.guid).toBe('00000000-0000-0000-0000-000000000000');
    expect(chooseBoot(c, cfg)).toEqual({ kind: 'script', url: 'http://10.79.0.1:8080/boot.ipxe?mac=52:54:00:aa:00:01' });
    expect(decodePacket(encodePacket(r.packet))).toEqual(r);
  });

  it('OVMF native PXE (x64 UEFI): arch 7 → ipxe.efi over TFTP', () => {
    const r = decodePacket(fixture('ovmf-x64-discover.bin'));
    if (!r.ok) throw new Error(r.error);
    const c = readClientInfo(r.packet);
    expect(c).toMatchObject({ mac: '52:54:00:aa:00:02', arch: 7, pxeClient: true, ipxe: false, vendorClass: 'PXEClient:Arch:00007:UNDI:003000' });
    expect(chooseBoot(c, cfg)).toEqual({ kind: 'tftp', firmware: 'uefi', file: 'ipxe.efi' });
    expect(decodePacket(encodePacket(r.packet))).toEqual(r);
  });
});
