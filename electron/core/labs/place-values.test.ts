import { describe, expect, it } from 'vitest';
import type { Node } from '../../../shared/domain/node';
import { hostAddressFor, placeholderValues } from './place-values';

const node = (id: string, address: string): Node => ({ id, name: `n-${id}`, mac: '52:54:00:00:00:01', address, sshUser: 'learner', sshPort: 22, role: 'worker', tags: [], notes: '', state: 'ready', netboot: false, profileId: null, hostKeys: [], firmware: 'unknown', createdAt: '', updatedAt: '' });

describe('{{host.address}}: where the lab\'s nodes reach this computer', () => {
  const noVm = () => undefined;
  it('bridged practice nodes reach the lab bridge address, rootless ones QEMU\'s host alias', () => {
    expect(hostAddressFor([node('a', '10.78.0.120')], { serverAddress: '192.168.1.5', vmOf: () => ({ network: 'bridged' }) })).toBe('10.78.0.1');
    expect(hostAddressFor([node('a', '127.0.0.1')], { serverAddress: '', vmOf: () => ({ network: 'rootless' }) })).toBe('10.0.2.2');
  });
  it('real nodes use the boot services\' address, else loopback for loopback nodes, else the first LAN address', () => {
    expect(hostAddressFor([node('a', '192.168.1.20')], { serverAddress: '192.168.1.5', vmOf: noVm })).toBe('192.168.1.5');
    expect(hostAddressFor([node('a', '127.0.0.1')], { serverAddress: '', vmOf: noVm, lanAddresses: () => ['192.168.1.5'] })).toBe('127.0.0.1');
    expect(hostAddressFor([node('a', '192.168.1.20')], { serverAddress: '', vmOf: noVm, lanAddresses: () => ['192.168.1.5'] })).toBe('192.168.1.5');
  });
  it('fills each role with its node\'s name, address and SSH user', () => {
    expect(placeholderValues({ web: node('a', '10.0.0.9') }, '10.0.0.1', 'reg:5000')).toEqual({ nodes: { web: { name: 'n-a', address: '10.0.0.9', user: 'learner' } }, hostAddress: '10.0.0.1', registry: 'reg:5000' });
  });
});
