/**
 * Interop exports (pure): an ~/.ssh/config snippet with known_hosts lines for the pinned keys,
 * and an Ansible inventory (INI or YAML) grouped by role — so people can keep using their own
 * tools on the same nodes, with the same key and the same host-key trust.
 */
import { join } from 'node:path';
import { stringify } from 'yaml';
import { NODE_ROLES, type Node, type NodeRole } from '../../../shared/domain/node';
import { KEY_FILE } from './keys';

type ExportNode = Pick<Node, 'name' | 'address' | 'sshUser' | 'sshPort' | 'hostKeys' | 'role'>;

export function privateKeyPath(dataDir: string): string {
  return join(dataDir, KEY_FILE);
}

/** The known_hosts name of a node: its HostKeyAlias, so ssh checks it against the pinned keys whatever its address. */
export function hostKeyAlias(node: Pick<Node, 'name'>): string {
  return `rackpilot-${node.name}`;
}

function skippedNote(nodes: readonly ExportNode[]): string[] {
  const skipped = nodes.filter((n) => n.address === '').map((n) => n.name);
  return skipped.length ? [`# Skipped (no address yet): ${skipped.join(', ')}`] : [];
}

export function exportSshConfig(nodes: readonly ExportNode[], dataDir: string): string {
  const usable = nodes.filter((n) => n.address !== '');
  const keyFile = privateKeyPath(dataDir);
  const lines = [
    `# Rackpilot: SSH config for ${usable.length} node(s). Add the Host blocks to ~/.ssh/config.`,
    `# IdentityFile is Rackpilot's own key (${keyFile}); if it is encrypted or passphrase-protected, use your own key or agent instead.`,
    '# Each host checks its key under its HostKeyAlias: the known_hosts lines follow the Host blocks — append those to ~/.ssh/known_hosts.',
    ...skippedNote(nodes),
  ];
  for (const n of usable) {
    lines.push(
      '',
      `Host ${n.name}`,
      `  HostName ${n.address}`,
      `  User ${n.sshUser}`,
      `  Port ${n.sshPort}`,
      `  IdentityFile ${keyFile}`,
      `  HostKeyAlias ${hostKeyAlias(n)}`,
    );
  }
  lines.push('', '# known_hosts lines (append to ~/.ssh/known_hosts):');
  for (const n of usable) {
    if (n.hostKeys.length === 0) lines.push(`# ${n.name}: no pinned host key yet — ssh will ask on the first connection`);
    for (const k of n.hostKeys) lines.push(`${hostKeyAlias(n)} ${k.type} ${k.key}`);
  }
  return lines.join('\n') + '\n';
}

/** Ansible group names allow letters, digits and underscores only. */
export function ansibleGroup(role: NodeRole): string {
  return role.replace(/-/g, '_');
}

function hostVars(n: ExportNode, keyFile: string): Record<string, string | number> {
  return { ansible_host: n.address, ansible_user: n.sshUser, ansible_port: n.sshPort, ansible_ssh_private_key_file: keyFile };
}

export function exportAnsibleInventory(nodes: readonly ExportNode[], dataDir: string, format: 'ini' | 'yaml'): string {
  const keyFile = privateKeyPath(dataDir);
  const usable = nodes.filter((n) => n.address !== '');
  const groups = NODE_ROLES.map((role) => ({ role, hosts: usable.filter((n) => n.role === role) })).filter((g) => g.hosts.length > 0);
  const header = [`# Rackpilot: Ansible inventory for ${usable.length} node(s), grouped by role.`, ...skippedNote(nodes)];
  if (format === 'ini') {
    const lines = [...header];
    for (const g of groups) {
      lines.push('', `[${ansibleGroup(g.role)}]`);
      for (const n of g.hosts) {
        lines.push(`${n.name} ${Object.entries(hostVars(n, keyFile)).map(([k, v]) => `${k}=${quoteIni(String(v))}`).join(' ')}`);
      }
    }
    return lines.join('\n') + '\n';
  }
  const children: Record<string, { hosts: Record<string, Record<string, string | number>> }> = {};
  for (const g of groups) children[ansibleGroup(g.role)] = { hosts: Object.fromEntries(g.hosts.map((n) => [n.name, hostVars(n, keyFile)])) };
  return header.join('\n') + '\n' + stringify({ all: { children } });
}

function quoteIni(v: string): string {
  return /[\s"'=#;]/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : v;
}
