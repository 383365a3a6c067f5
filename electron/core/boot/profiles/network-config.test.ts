/**
 * The seed's network-config: DHCP on the PXE NIC, and for a practice-rack node its peer NIC with
 * the static address Rackpilot assigned — matched by MAC, with no gateway or DNS. Checked against
 * network config v2 as cloud-init defines it (schema-network-config-v2.json, cloud-init 24.1+,
 * not in ../shared/schemas): the part for `ethernets` is transcribed below, stricter than the
 * original in that no key outside it is allowed.
 */
import Ajv07 from 'ajv';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Node } from '../../../../shared/domain/node';
import { builtInProfile } from './builtin-profiles';
import { renderInstallBoot, renderNetworkConfig, templateVars, type StaticInterface } from './render';

const MAC = '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$';
const NETWORK_CONFIG_V2 = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: { type: 'integer', enum: [2] },
    ethernets: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          match: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, macaddress: { type: 'string', pattern: MAC }, driver: { type: 'string' } } },
          'set-name': { type: 'string' },
          dhcp4: { type: ['boolean', 'string'], enum: ['yes', 'no', true, false] },
          dhcp6: { type: ['boolean', 'string'], enum: ['yes', 'no', true, false] },
          addresses: { type: 'array', items: { type: 'string' } },
          gateway4: { type: 'string' },
          nameservers: { type: 'object' },
          routes: { type: 'array' },
          mtu: { type: 'integer' },
          optional: { type: 'boolean' },
        },
      },
    },
  },
} as const;
const validate = new Ajv07({ strict: false, allErrors: true }).compile(NETWORK_CONFIG_V2);

function checked(yaml: string): { version: number; ethernets: Record<string, Record<string, unknown>> } {
  const config = parse(yaml) as unknown;
  expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  return config as { version: number; ethernets: Record<string, Record<string, unknown>> };
}

function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  return rest.length === 0 && isIP(address ?? '') === 4 && /^\d{1,2}$/.test(prefix ?? '') && Number(prefix) <= 32;
}

const node = { id: 'n1', name: 'vnode-01', mac: '52:54:00:aa:bb:01' } as Node;
const peer: StaticInterface = { id: 'peer', mac: '52:54:00:CC:DD:02', address: '10.77.0.11/24' };

describe('renderNetworkConfig', () => {
  it('without extra NICs: DHCP on the PXE NIC by its MAC, nothing else', () => {
    expect(checked(renderNetworkConfig(node))).toEqual({ version: 2, ethernets: { pxe: { match: { macaddress: node.mac }, dhcp4: true } } });
  });

  it('gives the peer NIC its static address by its (lower-cased) MAC, with no gateway, DNS or DHCP', () => {
    const config = checked(renderNetworkConfig(node, [peer]));
    expect(config.ethernets.pxe).toEqual({ match: { macaddress: node.mac }, dhcp4: true });
    expect(config.ethernets.peer).toEqual({ match: { macaddress: '52:54:00:cc:dd:02' }, dhcp4: false, addresses: ['10.77.0.11/24'] });
    for (const address of config.ethernets.peer?.addresses as string[]) expect(isCidr(address)).toBe(true);
    // The default route and the resolver stay the PXE NIC's (from its DHCP).
    expect(config.ethernets.peer).not.toHaveProperty('gateway4');
    expect(config.ethernets.peer).not.toHaveProperty('nameservers');
    expect(config.ethernets.peer).not.toHaveProperty('routes');
  });

  it('renders several static NICs, each under its own id', () => {
    const storage: StaticInterface = { id: 'storage', mac: '52:54:00:00:00:03', address: '10.80.0.5/16' };
    const config = checked(renderNetworkConfig(node, [peer, storage]));
    expect(Object.keys(config.ethernets)).toEqual(['pxe', 'peer', 'storage']);
    expect(config.ethernets.storage).toMatchObject({ addresses: ['10.80.0.5/16'] });
  });
});

describe('network-config on the kernel command line', () => {
  const profile = builtInProfile('live-image');
  if (!profile) throw new Error('no live-image profile');
  const vars = templateVars(profile, { ...node, sshUser: 'rackpilot', address: '' } as Node, 'token', {
    baseUrl: 'http://10.0.2.2:8080',
    adminPublicKeys: [],
    assetPath: (id) => `/assets/${id}/file`,
  });

  it('is absent without static NICs: the profile’s command line as written', () => {
    expect(renderInstallBoot(profile, vars).cmdline).not.toContain('network-config=');
  });

  it('carries the same network-config as the seed, base64 in one word, within the kernel’s limit', () => {
    const yaml = renderNetworkConfig(node, [peer]);
    const { cmdline } = renderInstallBoot(profile, vars, yaml);
    expect(cmdline.startsWith(renderInstallBoot(profile, vars).cmdline + ' ')).toBe(true);
    const words = cmdline.split(' ').filter((w) => w.startsWith('network-config='));
    expect(words).toHaveLength(1);
    const value = words[0]?.slice('network-config='.length) ?? '';
    expect(value).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(checked(Buffer.from(value, 'base64').toString('utf8'))).toEqual(parse(yaml));
    expect(Buffer.byteLength(cmdline)).toBeLessThan(2048);
  });
});
