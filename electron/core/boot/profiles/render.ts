/**
 * Renders a profile for one node: the kernel command line iPXE boots, and the files of the
 * node's NoCloud seed (user-data, meta-data, vendor-data, network-config, preseed.cfg).
 * Pure functions of (profile, node, seed token, server): the HTTP server calls them per request,
 * tests call them with many node variations and validate the output against the schemas.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { Node } from '../../../../shared/domain/node';
import type { Profile, ProfileAssets } from '../../../../shared/domain/profile';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { cloudConfig, renderText, renderYaml, type TemplateVars } from './template';

export interface BootServer {
  /** Base URL nodes reach the boot HTTP server at, e.g. http://192.168.1.10:8080 (no trailing slash). */
  baseUrl: string;
  /** Rackpilot's SSH public keys (OpenSSH one-line format) for the admin user. */
  adminPublicKeys: readonly string[];
  /** URL path of an asset (/assets/<id>/<file>); throws for an asset the cache does not know. */
  assetPath(assetId: string): string;
}

/** The node-specific URLs; the token in them is what keeps one node's seed from another. */
export function seedUrls(baseUrl: string, nodeId: string, token: string) {
  const seedUrl = `${baseUrl}/nocloud/${encodeURIComponent(nodeId)}/${encodeURIComponent(token)}/`;
  return {
    seedUrl,
    preseedUrl: `${seedUrl}preseed.cfg`,
    phoneHomeUrl: `${baseUrl}/phone-home/${encodeURIComponent(nodeId)}/${encodeURIComponent(token)}`,
  };
}

/**
 * cloud-init runs its once-per-instance modules (users, phone_home) only when the instance id
 * changes; each install arms a new token, so a hash of it gives every install a fresh id without
 * revealing the token in meta-data.
 */
export function instanceId(node: Pick<Node, 'id'>, token: string): string {
  return `rackpilot-${node.id.slice(0, 8)}-${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

export function templateVars(profile: Pick<Profile, 'assets'>, node: Node, token: string, server: BootServer): TemplateVars {
  const vars: Record<string, string | string[]> = {
    server: server.baseUrl,
    ...seedUrls(server.baseUrl, node.id, token),
    instanceId: instanceId(node, token),
    'node.id': node.id,
    'node.name': node.name,
    'node.mac': node.mac,
    'node.sshUser': node.sshUser,
    'node.address': node.address,
    adminKeys: [...server.adminPublicKeys],
  };
  for (const [role, assetId] of Object.entries(profile.assets) as [keyof ProfileAssets, string | undefined][]) {
    if (assetId) vars[`assets.${role}`] = server.baseUrl + server.assetPath(assetId);
  }
  return vars;
}

export interface InstallBoot {
  kernelUrl: string;
  initrdUrl: string;
  cmdline: string;
}

/**
 * The kernel, initrd and command line iPXE boots. `networkConfig` (the node's network-config,
 * given only when it has static NICs besides the PXE one) is appended as cloud-init's
 * `network-config=<base64>`: cloud-init up to 24.2 — Debian 12 ships 22.4 — never fetches
 * network-config from a NoCloud seed over HTTP (by design, LP #1809277), and with `ip=` on the
 * command line it takes the initramfs's network over the datasource's anyway. The command line
 * is the one source it reads before all others, in its local stage, before the network is up.
 */
export function renderInstallBoot(profile: Profile, vars: TemplateVars, networkConfig: string | null = null): InstallBoot {
  const rendered = renderText(profile.cmdline, vars, `Kernel command line of profile "${profile.name}"`);
  const cmdline = networkConfig === null ? rendered : `${rendered} network-config=${Buffer.from(networkConfig).toString('base64')}`;
  // iPXE scripts are line-based and the x86 kernel truncates at 2048 bytes: refuse, don't boot half a line.
  if ([...cmdline].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    throw new RackpilotError(ErrorCode.Validation, `Kernel command line of profile "${profile.name}" contains control characters after substitution.`);
  }
  if (Buffer.byteLength(cmdline) > 2048) {
    throw new RackpilotError(ErrorCode.Validation, `Kernel command line of profile "${profile.name}" is ${Buffer.byteLength(cmdline)} bytes after substitution; the limit is 2048.`);
  }
  return { kernelUrl: String(vars['assets.kernel']), initrdUrl: String(vars['assets.initrd']), cmdline };
}

/** The rendered user-data as data (tests validate it against the schemas) … */
export function userDataObject(profile: Profile, vars: TemplateVars): Record<string, unknown> {
  return renderYaml(profile.userData, vars, `user-data template of profile "${profile.name}"`);
}

/** … and as the file cloud-init fetches. */
export function renderUserData(profile: Profile, vars: TemplateVars): string {
  return cloudConfig(userDataObject(profile, vars));
}

export function renderMetaData(node: Node, token: string): string {
  return stringify({ 'instance-id': instanceId(node, token), 'local-hostname': node.name });
}

/** Served so cloud-init does not wait ~10 s retrying a 404 (DESIGN §8). */
export const VENDOR_DATA = '#cloud-config\n{}\n';

/**
 * A NIC beside the PXE one whose address Rackpilot assigns itself, e.g. a practice-rack node's
 * link to the other nodes. Static, on a network of its own: no gateway, no DNS.
 */
export interface StaticInterface {
  /**
   * The config's id for it (`peer`). Only a label: with no `set-name`, cloud-init finds the NIC
   * by its MAC and keeps its kernel name (no renames of a NIC that is already up).
   */
  id: string;
  mac: string;
  /** CIDR, e.g. 10.77.0.11/24 */
  address: string;
}

/**
 * Network config v2: DHCP on the interface with the node's MAC, plus any static NICs. Matching by
 * MAC keeps it right on machines with several NICs, where the PXE NIC is not always the first.
 * Served as the seed's network-config, and for nodes with static NICs on the kernel command line
 * too (renderInstallBoot says why).
 * A static NIC gets no gateway or DNS: the default route and resolver stay the PXE NIC's, so a
 * private node-to-node network can never take the node's way out.
 */
export function renderNetworkConfig(node: Node, extra: readonly StaticInterface[] = []): string {
  const ethernets: Record<string, unknown> = { pxe: { match: { macaddress: node.mac }, dhcp4: true } };
  for (const nic of extra) {
    // v2 wants lower-case MACs; dhcp4 false so no DHCP client waits on a network without a server.
    ethernets[nic.id] = { match: { macaddress: nic.mac.toLowerCase() }, dhcp4: false, addresses: [nic.address] };
  }
  return stringify({ version: 2, ethernets });
}

export function renderPreseed(profile: Profile, vars: TemplateVars): string | null {
  if (profile.preseed === undefined) return null;
  return renderText(profile.preseed, vars, `preseed template of profile "${profile.name}"`);
}
