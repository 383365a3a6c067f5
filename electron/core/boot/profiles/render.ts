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

export function renderInstallBoot(profile: Profile, vars: TemplateVars): InstallBoot {
  const cmdline = renderText(profile.cmdline, vars, `Kernel command line of profile "${profile.name}"`);
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
 * Network config v2: DHCP on the interface with the node's MAC. Matching by MAC keeps it right
 * on machines with several NICs, where the PXE NIC is not always the first.
 */
export function renderNetworkConfig(node: Node): string {
  return stringify({ version: 2, ethernets: { pxe: { match: { macaddress: node.mac }, dhcp4: true } } });
}

export function renderPreseed(profile: Profile, vars: TemplateVars): string | null {
  if (profile.preseed === undefined) return null;
  return renderText(profile.preseed, vars, `preseed template of profile "${profile.name}"`);
}
