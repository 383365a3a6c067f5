import { describe, expect, it } from 'vitest';
import type { NodeDisk, NodeNic } from '../../../shared/domain/facts';
import { diskKindLabel, diskRows, formatBytes, machineLabel, nicAddresses, osLabel, sortNics, totalDiskBytes, virtLabel } from './facts-format';

const disk = (name: string, sizeBytes: number, over: Partial<NodeDisk> = {}): NodeDisk => ({
  name,
  sizeBytes,
  type: 'disk',
  model: null,
  serial: null,
  rotational: null,
  transport: null,
  children: [],
  ...over,
});

describe('facts formatting', () => {
  it('prints sizes in binary units with at most one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8 GiB');
    expect(formatBytes(1610612736)).toBe('1.5 GiB');
    expect(formatBytes(274877906944)).toBe('256 GiB');
    expect(formatBytes(2 * 1024 ** 4)).toBe('2 TiB');
    expect(formatBytes(1024 ** 2 - 1)).toBe('1 MiB'); // rounds up across the unit boundary
    expect(formatBytes(16_384_000_000)).toBe('15.3 GiB');
    expect(formatBytes(null)).toBe('unknown');
    expect(formatBytes(-1)).toBe('unknown');
  });

  it('names the OS, machine and virtualisation, or says unknown', () => {
    expect(osLabel({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' })).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(osLabel({ id: 'alpine', versionId: '3.20', prettyName: null })).toBe('alpine 3.20');
    expect(osLabel({ id: null, versionId: null, prettyName: null })).toBe('unknown');
    expect(machineLabel({ vendor: 'Dell Inc.', product: 'PowerEdge R720', serial: null })).toBe('Dell Inc. PowerEdge R720');
    expect(machineLabel({ vendor: null, product: null, serial: null })).toBe('unknown');
    expect(virtLabel('kvm')).toBe('kvm');
    expect(virtLabel(null)).toMatch(/none detected/);
  });

  it('flattens the disk tree with depths and sums whole disks only', () => {
    const disks = [disk('sda', 500, { children: [disk('sda1', 100, { type: 'part' }), disk('sda2', 400, { type: 'part', children: [disk('vg-root', 400, { type: 'lvm' })] })] }), disk('sr0', 0, { type: 'rom' }), disk('nvme0n1', 1000)];
    expect(diskRows(disks).map((r) => `${r.depth}:${r.disk.name}`)).toEqual(['0:sda', '1:sda1', '1:sda2', '2:vg-root', '0:sr0', '0:nvme0n1']);
    expect(new Set(diskRows(disks).map((r) => r.key)).size).toBe(6);
    expect(totalDiskBytes(disks)).toBe(1500);
    expect(diskKindLabel(disk('nvme0n1', 1, { transport: 'nvme', rotational: false }))).toBe('nvme · SSD');
    expect(diskKindLabel(disk('sda', 1, { rotational: true }))).toBe('HDD');
    expect(diskKindLabel(disk('vda', 1))).toBe('—');
  });

  it('lists NIC addresses in CIDR form, IPv4 first, and the loopback last', () => {
    const nic = (name: string): NodeNic => ({
      name,
      mac: null,
      mtu: 1500,
      state: 'UP',
      addresses: [
        { family: 'inet6', address: 'fe80::1', prefixLength: 64 },
        { family: 'inet', address: '10.0.0.5', prefixLength: 24 },
      ],
    });
    expect(nicAddresses(nic('eth0'))).toEqual(['10.0.0.5/24', 'fe80::1/64']);
    expect(sortNics([nic('lo'), nic('eth10'), nic('eth2')]).map((n) => n.name)).toEqual(['eth2', 'eth10', 'lo']);
  });
});
