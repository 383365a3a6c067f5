import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Node } from '../../../shared/domain/node';
import { exportAnsibleInventory, exportSshConfig } from './exports';

const key = { type: 'ssh-ed25519', key: 'AAAAC3NzaC1lZDI1NTE5AAAAIKx', fingerprint: 'SHA256:abc' };
type N = Pick<Node, 'name' | 'address' | 'sshUser' | 'sshPort' | 'hostKeys' | 'role'>;
const nodes: N[] = [
  { name: 'cp-1', address: '192.168.1.10', sshUser: 'rackpilot', sshPort: 22, hostKeys: [key], role: 'control-plane' },
  { name: 'w-1', address: 'w1.lab', sshUser: 'admin', sshPort: 2222, hostKeys: [], role: 'worker' },
  { name: 'lonely', address: '192.168.1.30', sshUser: 'rackpilot', sshPort: 22, hostKeys: [], role: 'unassigned' },
  { name: 'discovered-525400aa0001', address: '', sshUser: 'rackpilot', sshPort: 22, hostKeys: [], role: 'unassigned' },
];

describe('ssh config export', () => {
  it('writes Host blocks with the key and alias, then known_hosts lines for the pins', () => {
    const text = exportSshConfig(nodes, '/data');
    expect(text).toContain(
      ['Host cp-1', '  HostName 192.168.1.10', '  User rackpilot', '  Port 22', '  IdentityFile /data/ssh/rackpilot_ed25519', '  HostKeyAlias rackpilot-cp-1'].join('\n'),
    );
    expect(text).toContain('Host w-1\n  HostName w1.lab\n  User admin\n  Port 2222\n');
    expect(text).toMatch(/known_hosts lines follow/);
    expect(text.split('\n')).toContain('rackpilot-cp-1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx');
    expect(text).toContain('# w-1: no pinned host key yet');
    expect(text).toContain('# Skipped (no address yet): discovered-525400aa0001');
    expect(text).not.toContain('Host discovered-525400aa0001');
    // The known_hosts lines come after every Host block.
    expect(text.indexOf('rackpilot-cp-1 ssh-ed25519')).toBeGreaterThan(text.lastIndexOf('Host '));
  });
});

describe('Ansible inventory export', () => {
  it('groups by role in INI', () => {
    const text = exportAnsibleInventory(nodes, '/data', 'ini');
    expect(text).toContain(
      '[control_plane]\ncp-1 ansible_host=192.168.1.10 ansible_user=rackpilot ansible_port=22 ansible_ssh_private_key_file=/data/ssh/rackpilot_ed25519\n',
    );
    expect(text).toContain('[worker]\nw-1 ansible_host=w1.lab ansible_user=admin ansible_port=2222 ');
    expect(text).toContain('[unassigned]\nlonely ');
    expect(text).not.toContain('[storage]');
    expect(text).toContain('# Skipped (no address yet): discovered-525400aa0001');
    expect(text.indexOf('[control_plane]')).toBeLessThan(text.indexOf('[worker]'));
  });

  it('groups by role in YAML', () => {
    const text = exportAnsibleInventory(nodes, '/data dir', 'yaml');
    expect(text).toMatch(/^# Skipped \(no address yet\): discovered-525400aa0001$/m);
    expect(parse(text)).toEqual({
      all: {
        children: {
          control_plane: { hosts: { 'cp-1': { ansible_host: '192.168.1.10', ansible_user: 'rackpilot', ansible_port: 22, ansible_ssh_private_key_file: '/data dir/ssh/rackpilot_ed25519' } } },
          worker: { hosts: { 'w-1': { ansible_host: 'w1.lab', ansible_user: 'admin', ansible_port: 2222, ansible_ssh_private_key_file: '/data dir/ssh/rackpilot_ed25519' } } },
          unassigned: { hosts: { lonely: { ansible_host: '192.168.1.30', ansible_user: 'rackpilot', ansible_port: 22, ansible_ssh_private_key_file: '/data dir/ssh/rackpilot_ed25519' } } },
        },
      },
    });
  });

  it('quotes INI values with spaces', () => {
    expect(exportAnsibleInventory(nodes.slice(0, 1), '/data dir', 'ini')).toContain('ansible_ssh_private_key_file="/data dir/ssh/rackpilot_ed25519"');
  });
});
