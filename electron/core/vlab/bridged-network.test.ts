/**
 * The pure parts of the bridged lab: which routes clash with its subnet, which namespaces are
 * leftovers, what "root" really means for it, and the boot takeover and its restore.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOOT_CONFIG, type BootConfig, type BootStatus } from '../../../shared/domain/boot';
import type { SettingsRepo } from '../store/settings-repo';
import { BridgedBoot, bootTakeoverText, bridgedBootConfig, type BootControl } from './bridged-boot';
import { isLeftoverLab, labNames, routesIntoLab, tapName } from './lab-namespace';
import { labPrivilegesFrom } from './lab-privileges';
import { readLabShape, writeLabShape } from './lab-shape';

const own = labNames('/home/ada/.config/rackpilot', 4242);

describe('lab names', () => {
  it('fit the 15-byte interface limit and carry the data dir and pid', () => {
    expect(own.ns).toMatch(/^rackpilot-lab-[0-9a-f]{6}-4242$/);
    expect(own.hostIf.length).toBeLessThanOrEqual(15);
    expect(own.nsIf.length).toBeLessThanOrEqual(15);
    expect(tapName('3f2c9a1e-77aa-4bbb-8ccc-000000000000')).toBe('tap-3f2c9a1e');
    expect(labNames('/other', 4242).hostIf).not.toBe(own.hostIf);
  });

  it('treats our own crashed run and dead Rackpilots as leftovers, never a live one', () => {
    const other = labNames('/other', 777).ns;
    const oursEarlier = labNames('/home/ada/.config/rackpilot', 99).ns;
    expect(isLeftoverLab(oursEarlier, own, () => true)).toBe(true);
    expect(isLeftoverLab(other, own, () => true)).toBe(false);
    expect(isLeftoverLab(other, own, () => false)).toBe(true);
    expect(isLeftoverLab(own.ns, own, () => false)).toBe(false);
    expect(isLeftoverLab('rackpilot-lab-handmade', own, () => false)).toBe(false);
  });
});

describe('routesIntoLab', () => {
  const table = [
    'default via 192.168.1.1 dev eth0 proto dhcp metric 100',
    '192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.20',
    '10.0.0.0/8 via 192.168.1.254 dev eth0',
    'local 192.168.1.20 dev eth0 table local proto kernel scope host src 192.168.1.20',
    '10.78.0.0/24 dev rplab-abcdef proto kernel scope link src 10.78.0.1',
    'local 10.78.0.1 dev rplab-abcdef table local proto kernel scope host src 10.78.0.1',
    'broadcast 10.78.0.255 dev rplab-abcdef table local proto kernel scope link src 10.78.0.1',
    '10.78.0.64/26 dev wg0 scope link',
    '10.79.0.0/16 dev wg1 scope link',
    'unreachable 10.78.0.7',
  ].join('\n');

  it('finds wider, narrower and host routes into 10.78.0.0/24 but not our veth or the default route', () => {
    expect(routesIntoLab(table, 'rplab-abcdef')).toEqual(['10.0.0.0/8 via 192.168.1.254 dev eth0', '10.78.0.64/26 dev wg0 scope link', 'unreachable 10.78.0.7']);
  });

  it('counts a route on another Rackpilot’s veth as a clash', () => {
    expect(routesIntoLab('10.78.0.0/24 dev rplab-123456 proto kernel scope link src 10.78.0.1', 'rplab-abcdef')).toHaveLength(1);
  });

  it('finds nothing on a plain home machine', () => {
    expect(routesIntoLab('default via 192.168.1.1 dev eth0\n192.168.1.0/24 dev eth0 scope link\n', own.hostIf)).toEqual([]);
  });
});

describe('labPrivilegesFrom', () => {
  const status = (eff: string, amb = '0000000000000000') => `Name:\tnode\nCapEff:\t${eff}\nCapAmb:\t${amb}\n`;

  it('root with a full capability set may', () => {
    expect(labPrivilegesFrom(status('000001ffffffffff'), 0, 'linux')).toEqual({ ok: true, reason: 'running as root' });
  });

  it('a user without capabilities may not, and is told what is missing', () => {
    const p = labPrivilegesFrom(status('0000000000000000'), 1000, 'linux');
    expect(p.ok).toBe(false);
    expect(p.reason).toMatch(/^bridged needs root .*uid 1000 without CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_NET_BIND_SERVICE, CAP_NET_RAW$/);
  });

  it('root in a container without CAP_SYS_ADMIN may not (ip netns add would fail)', () => {
    const p = labPrivilegesFrom(status((0x1ffffffffffn & ~(1n << 21n)).toString(16)), 0, 'linux');
    expect(p).toMatchObject({ ok: false });
    expect(p.reason).toMatch(/runs as root but without CAP_SYS_ADMIN$/);
  });

  it('a non-root process needs the capabilities ambient too, or ip and QEMU lose them', () => {
    const caps = ((1n << 10n) | (1n << 12n) | (1n << 13n) | (1n << 21n)).toString(16);
    expect(labPrivilegesFrom(status(caps), 1000, 'linux').ok).toBe(false);
    expect(labPrivilegesFrom(status(caps, caps), 1000, 'linux').ok).toBe(true);
  });

  it('is Linux only', () => {
    expect(labPrivilegesFrom('', 0, 'darwin').ok).toBe(false);
  });
});

function fakeBoot(initial: BootConfig, running: boolean, failing: string[] = []) {
  let config = initial;
  let on = running;
  const calls: string[] = [];
  const status = (): BootStatus => ({
    running: on,
    config,
    services: ['http', 'tftp', config.mode === 'dhcp' ? 'dhcp' : 'proxy-dhcp'].map((name) => ({
      name: name as 'http',
      state: on ? (failing.includes(name) ? 'failed' : 'listening') : 'stopped',
      address: null,
      port: null,
      error: on && failing.includes(name) ? { code: 'E_PORT_PRIVILEGED', message: `${name} refused` } : null,
    })),
    ipxe: { found: [], missing: [], message: null },
  });
  const control: BootControl = {
    config: () => config,
    status: () => Promise.resolve(status()),
    configure: (c) => {
      calls.push('configure');
      config = { ...config, ...c };
      return Promise.resolve(status());
    },
    start: () => {
      calls.push('start');
      on = true;
      return Promise.resolve(status());
    },
    stop: () => {
      calls.push('stop');
      on = false;
      return Promise.resolve(status());
    },
  };
  return { control, calls, get config() { return config; }, get running() { return on; } };
}

function memorySettings(): SettingsRepo {
  const docs = new Map<string, unknown>();
  return { getDocument: (k: string) => docs.get(k) ?? null, setDocument: (k: string, v: unknown) => void docs.set(k, v) } as unknown as SettingsRepo;
}

describe('the boot takeover', () => {
  const users: BootConfig = { ...DEFAULT_BOOT_CONFIG, mode: 'proxy', serverAddress: '192.168.1.20', interfaceName: 'eth0', ports: { dhcp: 67, proxy: 4011, tftp: 69, http: 8080 } };

  it('serves full DHCP on the veth only, with the firmware ports and no router', () => {
    const c = bridgedBootConfig(users, own);
    expect(c).toMatchObject({ mode: 'dhcp', serverAddress: '10.78.0.1', interfaceName: own.hostIf, ports: { dhcp: 67, proxy: 4011, tftp: 69, http: 8080 }, forceDhcp: false });
    expect(c.dhcpPool).toEqual({ start: '10.78.0.100', end: '10.78.0.199', subnetMask: '255.255.255.0', router: '', dns: [], leaseSeconds: 3600 });
  });

  it('home-LAN shape: proxyDHCP on the veth only, with the firmware ports, and no address pool of its own', () => {
    const c = bridgedBootConfig(users, own, 'home-router');
    expect(c).toMatchObject({ mode: 'proxy', serverAddress: '10.78.0.1', interfaceName: own.hostIf, ports: { dhcp: 67, proxy: 4011, tftp: 69, http: 8080 }, forceDhcp: false });
    // Untouched: proxy mode hands out no addresses (the lab's home router does).
    expect(c.dhcpPool).toEqual(users.dhcpPool);
    expect(bootTakeoverText(own, 'home-router')).toMatch(/home router \(dnsmasq inside the lab namespace at 10\.78\.0\.254.*proxyDHCP \(67, 4011\).*put back/);
    expect(bootTakeoverText(own)).toMatch(/full DHCP \(pool 10\.78\.0\.100–10\.78\.0\.199\)/);
  });

  it('home-LAN shape: takes over as proxyDHCP and restores the user’s settings exactly', async () => {
    const userDhcp: BootConfig = { ...users, mode: 'dhcp', dhcpPool: { start: '192.168.9.10', end: '192.168.9.20', subnetMask: '255.255.255.0', router: '192.168.9.1', dns: ['192.168.9.1'], leaseSeconds: 600 } };
    const boot = fakeBoot(userDhcp, true);
    const settings = memorySettings();
    const takeover = new BridgedBoot(boot.control, settings, own, 'home-router');
    await takeover.takeOver();
    expect(boot.config).toMatchObject({ mode: 'proxy', interfaceName: own.hostIf, serverAddress: '10.78.0.1' });
    expect(boot.running).toBe(true);
    expect(boot.calls).toEqual(['stop', 'configure', 'start']);
    await new BridgedBoot(boot.control, settings, own).restore();
    expect(boot.config).toEqual(userDhcp);
    expect(boot.running).toBe(true);
  });

  it('home-LAN shape: a proxyDHCP that cannot listen fails the takeover and restores at once', async () => {
    const boot = fakeBoot(users, false, ['proxy-dhcp']);
    const takeover = new BridgedBoot(boot.control, memorySettings(), own, 'home-router');
    await expect(takeover.takeOver()).rejects.toThrow(/could not serve the bridged lab on rplab-[0-9a-f]{6}: proxy-dhcp: proxy-dhcp refused/);
    expect(boot.config).toEqual(users);
    expect(boot.running).toBe(false);
  });

  it('puts the user’s settings back, running as they were', async () => {
    const boot = fakeBoot(users, true);
    const settings = memorySettings();
    const takeover = new BridgedBoot(boot.control, settings, own);
    await takeover.takeOver();
    expect(boot.config.interfaceName).toBe(own.hostIf);
    expect(takeover.active).toBe(true);
    // A crash here leaves the saved settings; a new BridgedBoot (next start) restores them.
    await new BridgedBoot(boot.control, settings, own).restore();
    expect(boot.config).toEqual(users);
    expect(boot.running).toBe(true);
    expect(takeover.active).toBe(false);
  });

  it('leaves stopped services stopped, and restores at once when a service cannot listen', async () => {
    const boot = fakeBoot(users, false, ['dhcp']);
    const takeover = new BridgedBoot(boot.control, memorySettings(), own);
    await expect(takeover.takeOver()).rejects.toThrow(/could not serve the bridged lab on rplab-[0-9a-f]{6}: dhcp: dhcp refused/);
    expect(boot.config).toEqual(users);
    expect(boot.running).toBe(false);
    expect(takeover.active).toBe(false);
  });
});

describe('the lab’s shape setting', () => {
  it('defaults to Rackpilot as the DHCP server, keeps a choice, and ignores junk', () => {
    const settings = memorySettings();
    expect(readLabShape(settings)).toBe('rackpilot');
    settings.setDocument('vlab', { peerGroup: '239.255.1.2:30000' });
    writeLabShape(settings, 'home-router');
    expect(readLabShape(settings)).toBe('home-router');
    expect(settings.getDocument('vlab')).toEqual({ peerGroup: '239.255.1.2:30000', bridgedRouter: 'home-router' });
    settings.setDocument('vlab', { bridgedRouter: 'openwrt' });
    expect(readLabShape(settings)).toBe('rackpilot');
  });
});
