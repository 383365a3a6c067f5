import { describe, expect, it } from 'vitest';
import { DEFAULT_BOOT_CONFIG } from '../../../shared/domain/boot';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { errorsFromCore, fieldOfPath, formFromConfig, networkChoices, toChanges } from './form';

describe('boot form', () => {
  it('round-trips the config through the text fields', () => {
    const config = { ...DEFAULT_BOOT_CONFIG, serverAddress: '10.0.0.1', interfaceName: 'eth1', ports: { dhcp: 1067, proxy: 14011, tftp: 1069, http: 18080 } };
    const { changes, errors } = toChanges(formFromConfig(config));
    expect(errors).toEqual({});
    expect(changes).toMatchObject({ serverAddress: '10.0.0.1', interfaceName: 'eth1', ports: config.ports, mode: 'proxy', ipxeFolder: null });
    // proxy mode leaves the saved pool alone
    expect(changes).not.toHaveProperty('dhcpPool');
  });

  it('reports ports that are not numbers before a round trip', () => {
    const form = formFromConfig(DEFAULT_BOOT_CONFIG);
    const { errors } = toChanges({ ...form, ports: { ...form.ports, http: 'eighty', tftp: '70000' } });
    expect(errors).toEqual({ 'ports.http': 'Port is 1-65535', 'ports.tftp': 'Port is 1-65535' });
  });

  it('sends the pool in full DHCP mode, and never forces DHCP in proxy mode', () => {
    const form = formFromConfig(DEFAULT_BOOT_CONFIG);
    const dhcp = toChanges({ ...form, mode: 'dhcp', forceDhcp: true, pool: { ...form.pool, start: '10.0.0.100', end: '10.0.0.200', dns: '1.1.1.1, 9.9.9.9' } });
    expect(dhcp.changes.dhcpPool).toMatchObject({ start: '10.0.0.100', dns: ['1.1.1.1', '9.9.9.9'], leaseSeconds: 3600 });
    expect(dhcp.changes.forceDhcp).toBe(true);
    expect(toChanges({ ...form, forceDhcp: true }).changes.forceDhcp).toBe(false);
  });

  it('maps issue paths onto fields', () => {
    expect(fieldOfPath(['serverAddress'])).toBe('network');
    expect(fieldOfPath(['ports', 'http'])).toBe('ports.http');
    expect(fieldOfPath(['dhcpPool', 'dns', 2])).toBe('dhcpPool.dns');
    expect(fieldOfPath(['somethingElse'])).toBeNull();
    const err = new RackpilotError(ErrorCode.Validation, 'bad', { issues: [{ path: ['ports', 'tftp'], message: 'Port is 1-65535' }, { path: [], message: 'odd' }] });
    expect(errorsFromCore(err)).toEqual({ fields: { 'ports.tftp': 'Port is 1-65535' }, general: 'odd' });
    expect(errorsFromCore(new Error('Lost the connection'))).toEqual({ fields: {}, general: 'Lost the connection' });
  });

  it('offers every interface address, and keeps a saved address that has gone', () => {
    const interfaces = [{ name: 'lo', mac: '', addresses: [{ address: '127.0.0.1', cidr: '127.0.0.1/8' }] }];
    expect(networkChoices(interfaces, DEFAULT_BOOT_CONFIG).map((c) => c.value)).toEqual(['lo|127.0.0.1']);
    const gone = networkChoices(interfaces, { ...DEFAULT_BOOT_CONFIG, interfaceName: 'eth9', serverAddress: '10.9.9.9' });
    expect(gone[0]?.label).toMatch(/not on this machine now/);
  });
});
