import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCpuInfo, parseDmi, parseFacts, parseIpAddr, parseLsblk, parseOsRelease, parseVirt, splitSections } from './facts';

const captured = readFileSync(join(__dirname, 'fixtures/facts-debian12-container.txt'), 'utf8');

describe('facts parsers', () => {
  it('parse the output captured on the Debian 12 container', () => {
    const facts = parseFacts(captured, '2025-01-01T00:00:00.000Z');
    expect(facts.os).toEqual({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(facts.kernel).toBe('6.18.44-fc-v657');
    expect(facts.arch).toBe('x86_64');
    expect(facts.cpu).toEqual({ model: 'AMD EPYC', cores: 2, threads: 2 });
    expect(facts.memoryBytes).toBe(24684092 * 1024);
    expect(facts.disks.map((d) => [d.name, d.type, d.sizeBytes, d.rotational])).toEqual([
      ['zram0', 'disk', 0, false],
      ['vda', 'disk', 274877906944, true],
    ]);
    expect(facts.disks[1]).toMatchObject({ model: null, serial: null, transport: null, children: [] });
    const eth0 = facts.nics.find((n) => n.name === 'eth0');
    expect(eth0).toMatchObject({ mac: '02:fc:00:00:00:01', mtu: 1400, state: 'UP' });
    expect(eth0?.addresses).toContainEqual({ family: 'inet', address: '192.0.2.2', prefixLength: 24 });
    expect(facts.nics.find((n) => n.name === 'lo')).toMatchObject({ mac: null, addresses: [{ family: 'inet', address: '127.0.0.1', prefixLength: 8 }, { family: 'inet6', address: '::1', prefixLength: 128 }] });
    expect(facts.dmi).toEqual({ vendor: null, product: null, serial: null });
    expect(facts.virtualization).toBe('docker');
    expect(facts.gatheredAt).toBe('2025-01-01T00:00:00.000Z');
  });

  it('count physical cores across sockets and keep the first model', () => {
    const lines: string[] = [];
    let p = 0;
    for (const socket of [0, 1]) for (const core of [0, 1]) for (let ht = 0; ht < 2; ht++) {
      lines.push(`processor\t: ${p++}`, 'model name\t: Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz', `physical id\t: ${socket}`, `core id\t\t: ${core}`);
    }
    expect(parseCpuInfo(lines.join('\n'))).toEqual({ model: 'Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz', cores: 4, threads: 8 });
    // ARM boards name the model differently and have no core ids.
    expect(parseCpuInfo('processor\t: 0\nprocessor\t: 1\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n')).toEqual({ model: 'Raspberry Pi 4 Model B Rev 1.4', cores: 2, threads: 2 });
    expect(parseCpuInfo('')).toEqual({ model: null, cores: null, threads: null });
  });

  it('read old lsblk (strings) with partitions as children', () => {
    const old = JSON.stringify({
      blockdevices: [
        { name: 'sda', size: '500107862016', type: 'disk', model: 'Samsung SSD 860 ', serial: 'S3Z9NB0K', rota: '0', tran: 'sata', children: [{ name: 'sda1', size: '536870912', type: 'part', model: null, serial: null, rota: '0', tran: null }] },
      ],
    });
    expect(parseLsblk(old)).toEqual([
      {
        name: 'sda', sizeBytes: 500107862016, type: 'disk', model: 'Samsung SSD 860', serial: 'S3Z9NB0K', rotational: false, transport: 'sata',
        children: [{ name: 'sda1', sizeBytes: 536870912, type: 'part', model: null, serial: null, rotational: false, transport: null, children: [] }],
      },
    ]);
    expect(parseLsblk('')).toEqual([]);
    expect(parseLsblk('not json')).toEqual([]);
    expect(parseIpAddr('')).toEqual([]);
  });

  it('take what DMI files were readable, and map "none" virtualisation to null', () => {
    expect(parseDmi('sys_vendor=Dell Inc.\nproduct_name=PowerEdge R720\n')).toEqual({ vendor: 'Dell Inc.', product: 'PowerEdge R720', serial: null });
    expect(parseDmi('sys_vendor=Dell Inc.\nproduct_name=PowerEdge R720\nproduct_serial=7XK2Q12\n').serial).toBe('7XK2Q12');
    expect(parseVirt('none\n')).toBeNull();
    expect(parseVirt('')).toBeNull();
    expect(parseVirt('kvm\n')).toBe('kvm');
  });

  it('unquote os-release values and ignore noise', () => {
    expect(parseOsRelease('# comment\nID=ubuntu\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\n')).toEqual({ id: 'ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' });
    expect(parseOsRelease('ID=arch\n')).toEqual({ id: 'arch', versionId: null, prettyName: null });
    expect(splitSections('junk\n@@rackpilot-facts:a\n1\n2\n@@rackpilot-facts:b\n')).toEqual(new Map([['a', '1\n2'], ['b', '']]));
  });
});
