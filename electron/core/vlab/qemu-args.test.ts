import { describe, expect, it } from 'vitest';
import { buildQemuArgs, rootlessBootfile, vmProcessName, type QemuLaunchSpec } from './qemu-args';

const base: QemuLaunchSpec = {
  vm: { id: 'vm-1', mac: '52:54:00:aa:bb:cc', firmware: 'bios', memoryMb: 256, cpus: 2 },
  accelerator: 'tcg',
  diskPath: '/data/vlab/vm-1/disk.qcow2',
  qmpPath: '/data/vlab/vm-1/qmp.sock',
  ovmfPath: '/usr/share/ovmf/OVMF.fd',
  network: { mode: 'rootless', bootUrl: 'http://10.0.2.2:8080/boot.ipxe', sshPort: 40022, peer: { mac: '52:54:00:aa:bb:cd', group: '239.255.7.9:31234' } },
};

/** The value after each occurrence of a flag. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1] ?? ''] : []));
}

describe('QEMU arguments', () => {
  it('BIOS node, rootless: SeaBIOS on the serial port, PXE first, the boot URL and SSH forward in QEMU’s DHCP/NAT', () => {
    const args = buildQemuArgs(base);
    expect(values(args, '-name')).toEqual([vmProcessName('vm-1')]);
    expect(args).toContain('-nodefaults');
    expect(values(args, '-machine')).toEqual(['q35,graphics=off']);
    expect(values(args, '-accel')).toEqual(['tcg']);
    expect(args).not.toContain('-cpu');
    expect(values(args, '-m')).toEqual(['256']);
    expect(values(args, '-smp')).toEqual(['2']);
    expect(values(args, '-display')).toEqual(['none']);
    expect(values(args, '-serial')).toEqual(['stdio']);
    expect(values(args, '-qmp')).toEqual(['unix:/data/vlab/vm-1/qmp.sock,server=on,wait=off']);
    expect(args).not.toContain('-bios');
    expect(values(args, '-drive')).toEqual(['if=none,id=disk0,file=/data/vlab/vm-1/disk.qcow2,format=qcow2,discard=unmap']);
    expect(values(args, '-netdev')).toEqual([
      'user,id=boot,bootfile=http://10.0.2.2:8080/boot.ipxe?mac=52:54:00:aa:bb:cc&platform=pcbios&arch=x86_64,hostfwd=tcp:127.0.0.1:40022-:22',
      'socket,id=peer,mcast=239.255.7.9:31234,localaddr=127.0.0.1',
    ]);
    expect(values(args, '-device')).toEqual([
      'virtio-blk-pci,drive=disk0,bootindex=2',
      'virtio-net-pci,netdev=boot,mac=52:54:00:aa:bb:cc,bootindex=1',
      // the node-to-node NIC carries no boot ROM and no bootindex
      'virtio-net-pci,netdev=peer,mac=52:54:00:aa:bb:cd,romfile=',
    ]);
  });

  it('UEFI node, rootless: OVMF, with QEMU’s iPXE ROM kept so the HTTP boot URL works', () => {
    const args = buildQemuArgs({ ...base, vm: { ...base.vm, firmware: 'uefi' }, network: { ...base.network, peer: null } as QemuLaunchSpec['network'] });
    expect(values(args, '-bios')).toEqual(['/usr/share/ovmf/OVMF.fd']);
    expect(values(args, '-machine')).toEqual(['q35']);
    expect(values(args, '-netdev')[0]).toContain('platform=efi&arch=x86_64');
    expect(values(args, '-netdev')).toHaveLength(1);
    expect(values(args, '-device')).toContain('virtio-net-pci,netdev=boot,mac=52:54:00:aa:bb:cc,bootindex=1');
  });

  it('UEFI node, bridged: a tap, and OVMF’s own PXE (no iPXE ROM), as real servers boot', () => {
    const args = buildQemuArgs({ ...base, vm: { ...base.vm, firmware: 'uefi' }, network: { mode: 'bridged', tap: 'rptap3' } });
    expect(values(args, '-netdev')).toEqual(['tap,id=boot,ifname=rptap3,script=no,downscript=no']);
    expect(values(args, '-device')).toContain('virtio-net-pci,netdev=boot,mac=52:54:00:aa:bb:cc,bootindex=1,romfile=');
  });

  it('uses the host CPU under KVM', () => {
    const args = buildQemuArgs({ ...base, accelerator: 'kvm' });
    expect(values(args, '-accel')).toEqual(['kvm']);
    expect(values(args, '-cpu')).toEqual(['host']);
  });

  it('doubles commas in paths, which QEMU would otherwise read as option separators', () => {
    const args = buildQemuArgs({ ...base, diskPath: '/home/a,b/disk.qcow2', qmpPath: '/home/a,b/qmp.sock' });
    expect(values(args, '-drive')[0]).toContain('file=/home/a,,b/disk.qcow2,format');
    expect(values(args, '-qmp')[0]).toBe('unix:/home/a,,b/qmp.sock,server=on,wait=off');
  });

  it('refuses a boot URL too long for DHCP’s file field', () => {
    expect(rootlessBootfile('http://10.0.2.2:65535/boot.ipxe', '52:54:00:aa:bb:cc', 'bios')).toBe('http://10.0.2.2:65535/boot.ipxe?mac=52:54:00:aa:bb:cc&platform=pcbios&arch=x86_64');
    expect(() => rootlessBootfile(`http://10.0.2.2:8080/${'x'.repeat(60)}/boot.ipxe`, '52:54:00:aa:bb:cc', 'uefi')).toThrow(/127-byte/);
  });
});
