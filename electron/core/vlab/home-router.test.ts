/**
 * The home-LAN shape's pure parts: the pretend router's dnsmasq command line (addresses and a
 * router only, on the lab bridge only, lease file in the data dir) and reading its lease file.
 */
import { describe, expect, it } from 'vitest';
import { dnsmasqArgs, HOME_ROUTER, routerLeaseFile } from './home-router';
import { LAB_SUBNET } from './lab-namespace';
import { addressesByMac, parseDnsmasqLeases } from './router-leases';

describe('dnsmasqArgs', () => {
  const args = dnsmasqArgs({ bridge: 'br0', leaseFile: '/data/vlab/home-router.leases' });

  it('serves DHCP on the lab bridge only, from a pool apart from Rackpilot’s, with itself as the router', () => {
    expect(args).toEqual([
      '--no-daemon',
      '--log-facility=-',
      '--conf-file=/dev/null',
      '--port=0',
      '--interface=br0',
      '--bind-interfaces',
      '--dhcp-range=10.78.0.50,10.78.0.99,255.255.255.0,3600',
      '--dhcp-option=option:router,10.78.0.254',
      '--dhcp-leasefile=/data/vlab/home-router.leases',
    ]);
    expect(HOME_ROUTER.address.startsWith('10.78.0.')).toBe(true);
    expect(HOME_ROUTER.address).not.toBe(LAB_SUBNET.hostAddress);
  });

  it('gives no DNS and no PXE options: those are not a home router’s to give here', () => {
    expect(args).toContain('--port=0');
    expect(args.join(' ')).not.toMatch(/dhcp-boot|pxe-service|option:dns-server|enable-tftp|dhcp-option=(6|66|67),/);
  });

  it('stays in the foreground (a child whose pid we stop) and reads no system config', () => {
    expect(args).toContain('--no-daemon');
    expect(args).toContain('--conf-file=/dev/null');
    expect(args.some((a) => a.startsWith('--pid-file') || a.startsWith('--user'))).toBe(false);
  });

  it('keeps its lease file in the data dir, named after the lab namespace', () => {
    expect(routerLeaseFile('/home/ada/.config/rackpilot', 'rackpilot-lab-abcdef-42')).toBe('/home/ada/.config/rackpilot/vlab/home-router-rackpilot-lab-abcdef-42.leases');
  });
});

describe('the router’s lease file', () => {
  const file = [
    '1764000000 52:54:00:aa:bb:01 10.78.0.57 * 01:52:54:00:aa:bb:01',
    '1764000300 52:54:00:AA:BB:01 10.78.0.58 vnode-01 *',
    '0 52:54:00:aa:bb:02 10.78.0.61 * *',
    'duid 00:01:00:01:2c:aa:bb:cc:52:54:00:aa:bb:03',
    'garbage',
    '',
  ].join('\n');

  it('parses leases and skips what is not one', () => {
    expect(parseDnsmasqLeases(file)).toEqual([
      { expires: 1764000000, mac: '52:54:00:aa:bb:01', ip: '10.78.0.57' },
      { expires: 1764000300, mac: '52:54:00:aa:bb:01', ip: '10.78.0.58' },
      { expires: 0, mac: '52:54:00:aa:bb:02', ip: '10.78.0.61' },
    ]);
  });

  it('takes the longest-running lease per MAC (firmware and OS may lease with different client ids)', () => {
    expect(addressesByMac(parseDnsmasqLeases(file))).toEqual(
      new Map([
        ['52:54:00:aa:bb:01', '10.78.0.58'],
        ['52:54:00:aa:bb:02', '10.78.0.61'],
      ]),
    );
  });
});
