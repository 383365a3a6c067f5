/**
 * Every built-in profile, rendered for several kinds of node, must produce user-data that is
 * valid cloud-config (and, for Ubuntu, valid autoinstall whose nested user-data is valid
 * cloud-config too), a one-line kernel command line with the NoCloud seed, and must phone home.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Node } from '../../../../shared/domain/node';
import { profileSpecSchema } from '../../../../shared/domain/profile';
import { BUILT_IN_PROFILES } from './builtin-profiles';
import { renderInstallBoot, renderMetaData, renderNetworkConfig, renderPreseed, renderUserData, seedUrls, templateVars, type BootServer } from './render';
import { checkAutoinstall, checkCloudConfig } from './testing-schemas';

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm8Yq3Z3n5kqkQ7CwY1u5m2D8s0k2C1lW8yM9xkRkq1 rackpilot@laptop';
const RSA = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 rackpilot: "weird" comment # not a comment';

function node(over: Partial<Node>): Node {
  return {
    id: '3f1e9c1a-8d0b-4c55-9a39-0d3f2c5e7a11',
    name: 'r720-01',
    mac: '52:54:00:12:34:56',
    address: '192.168.1.20',
    sshUser: 'rackpilot',
    sshPort: 22,
    role: 'worker',
    tags: [],
    notes: '',
    state: 'installing',
    netboot: true,
    profileId: null,
    hostKeys: [],
    firmware: 'bios',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

const VARIATIONS: { label: string; node: Node; keys: string[]; base: string }[] = [
  { label: 'typical', node: node({}), keys: [ED25519], base: 'http://192.168.1.10:8080' },
  { label: 'other user, two keys, no address', node: node({ name: 'mini-pc-7', sshUser: 'ops_admin', address: '' }), keys: [ED25519, RSA], base: 'http://10.0.0.1:8080' },
  { label: 'numeric-looking name, uefi, hostname server', node: node({ id: 'a'.repeat(36), name: '01-rack', firmware: 'uefi', mac: 'aa:bb:cc:dd:ee:f0' }), keys: [RSA], base: 'http://boot.lab.example:80' },
  { label: 'no admin keys yet', node: node({ name: 'x', sshUser: '_svc' }), keys: [], base: 'http://[fd00::1]:8080' },
];

const server = (base: string, keys: string[]): BootServer => ({ baseUrl: base, adminPublicKeys: keys, assetPath: (id) => `/assets/${id}/file` });
const TOKEN = 'tok_ABCdef-123456789012345678901234';

// Compiling the schemas takes seconds (more on a loaded CI machine): do it once, outside the
// 5-second budget of whichever test would otherwise come first.
beforeAll(() => {
  checkCloudConfig({});
  checkAutoinstall({ version: 1 });
}, 60_000);

describe.each(BUILT_IN_PROFILES.map((p) => [p.id, p] as const))('built-in profile %s', (_id, profile) => {
  it('is a valid profile spec', () => {
    expect(profileSpecSchema.safeParse(profile).success).toBe(true);
  });

  it.each(VARIATIONS.map((v) => [v.label, v] as const))('renders valid files for a %s node', (_label, v) => {
    const vars = templateVars(profile, v.node, TOKEN, server(v.base, v.keys));
    const urls = seedUrls(v.base, v.node.id, TOKEN);

    const boot = renderInstallBoot(profile, vars);
    // Debian's installer reads a preseed, not NoCloud; its installed system's cloud-init gets the seed from it.
    if (profile.kind !== 'debian-preseed') expect(boot.cmdline).toContain(`ds=nocloud-net;s=${urls.seedUrl}`);
    expect(urls.seedUrl.endsWith('/')).toBe(true);
    expect(boot.kernelUrl).toBe(`${v.base}/assets/${profile.assets.kernel}/file`);

    const text = renderUserData(profile, vars);
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const userData = parse(text) as Record<string, unknown>;
    const top = checkCloudConfig(userData);
    expect(top.errors).toEqual([]);

    // The cloud-config the installed (or live) system applies.
    let system = userData;
    if (profile.kind === 'ubuntu-autoinstall') {
      expect(Object.keys(userData)).toEqual(['autoinstall']); // the live installer must not phone home itself
      const autoinstall = userData.autoinstall as Record<string, unknown>;
      expect(checkAutoinstall(autoinstall).errors).toEqual([]);
      system = autoinstall['user-data'] as Record<string, unknown>;
      expect(checkCloudConfig(system).errors).toEqual([]);
      expect(JSON.stringify(autoinstall['late-commands'])).toContain(urls.phoneHomeUrl);
    }
    expect(system.hostname).toBe(v.node.name);
    expect(system.manage_etc_hosts).toBe(true);
    if (profile.id === 'install-to-disk') {
      // The installer phones home itself once the disk can boot: a phone-home means "installed".
      expect(system.phone_home).toBeUndefined();
      expect(system.runcmd).toEqual([
        ['/usr/local/sbin/rackpilot-install-to-disk', '--phone-home', urls.phoneHomeUrl, '--instance-id', vars.instanceId, '--hostname', v.node.name],
      ]);
      // Rebooting only after a complete install: a failed one stays up for inspection.
      expect(system.power_state).toMatchObject({ mode: 'reboot', condition: 'test -e /run/rackpilot-installed' });
    } else {
      expect(system.phone_home).toEqual({ url: urls.phoneHomeUrl, post: 'all', tries: 10 });
    }
    const [user] = system.users as Record<string, unknown>[];
    expect(user).toMatchObject({ name: v.node.sshUser, sudo: 'ALL=(ALL) NOPASSWD:ALL' });
    expect(user?.ssh_authorized_keys).toEqual(v.keys.length ? v.keys : undefined);

    expect(parse(renderMetaData(v.node, TOKEN))).toEqual({ 'instance-id': vars.instanceId, 'local-hostname': v.node.name });
    expect(parse(renderNetworkConfig(v.node))).toMatchObject({ version: 2, ethernets: { pxe: { match: { macaddress: v.node.mac } } } });

    const preseed = renderPreseed(profile, vars);
    if (profile.kind === 'debian-preseed') {
      expect(boot.cmdline).toContain(`url=${urls.preseedUrl}`);
      expect(preseed).toContain(`seedfrom: ${urls.seedUrl}`);
      expect(preseed).toContain(urls.phoneHomeUrl);
      expect(preseed).not.toMatch(/\{\{/);
      // Every line is a debconf line, a comment or blank: a stray line breaks the whole preseed.
      for (const line of (preseed ?? '').split('\n')) expect(line).toMatch(/^(#.*|(d-i|tasksel|popularity-contest) \S+ \S+ ?.*|)$/);
    } else {
      expect(preseed).toBeNull();
    }
  });
});

describe('the schema checks themselves', () => {
  it('catch what they are meant to catch', () => {
    expect(checkCloudConfig({ hostname: 'a', manage_etc_hosts: true }).ok).toBe(true);
    expect(checkCloudConfig({ hostnme: 'a' }).ok).toBe(false); // typo'd key
    expect(checkCloudConfig({ phone_home: { url: 'http://x/', post: 'some' } }).ok).toBe(false);
    expect(checkCloudConfig({ users: [{ name: 'a', sudo: false }] }).ok).toBe(false); // deprecated form
    expect(checkCloudConfig({ users: [{ name: 'a', ssh_authorized_keys: [] }] }).ok).toBe(false);
    expect(checkAutoinstall({ version: 1, storage: { layout: { name: 'direct' } } }).ok).toBe(true);
    expect(checkAutoinstall({ version: 2 }).ok).toBe(false);
    expect(checkAutoinstall({ version: 1, shutdown: 'halt' }).ok).toBe(false);
  });
});
