import { describe, expect, it } from 'vitest';
import { parseFacts, parseSsListenLine } from './facts';
import { GATHER_MARKER } from './gather-script';
import { DEBIAN_OUTPUT } from './test-facts';

describe('parseFacts', () => {
  it('reads every fact of the gather script', () => {
    const f = parseFacts(DEBIAN_OUTPUT);
    expect(f).not.toBeNull();
    expect(f?.os).toEqual({ id: 'debian', idLike: [], versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(f).toMatchObject({ uid: 0, machine: 'x86_64', cpus: 2, memTotalKiB: 2014520, hostname: 'cp-1', ntpSynchronized: true, timeDaemons: ['systemd-timesyn'] });
    expect(f?.productUuid).toBe('4c4c4544-0042-3510-8052-b4c04f333532');
    expect(f?.interfaces).toEqual([
      { name: 'eth0', type: 1, mac: '52:54:00:12:34:56', physical: true, addresses: ['192.168.1.21', 'fe80::5054:ff:fe12:3456'] },
      { name: 'docker0', type: 1, mac: '02:42:11:9a:bb:17', physical: false, addresses: [] },
      { name: 'lo', type: 772, mac: '00:00:00:00:00:00', physical: false, addresses: ['127.0.0.1'] },
    ]);
    expect(f?.swaps).toEqual([{ name: '/swap.img', type: 'file', sizeKiB: 2097148 }]);
    expect(f?.fstabSwap).toEqual(['/swap.img']);
    expect(f?.listening).toEqual([
      { address: '0.0.0.0', port: 22, process: 'sshd (pid 612)' },
      { address: '127.0.0.1', port: 10257, process: 'kube-controller (pid 2231)' },
      { address: '[::]', port: 22, process: 'sshd (pid 612)' },
    ]);
    expect(f?.tools).toEqual({ bash: '/usr/bin/bash', perl: '/usr/bin/perl', timeout: '/usr/bin/timeout', 'apt-get': '/usr/bin/apt-get' });
    expect(f?.firewall).toEqual({ ufwActive: true, firewalldRunning: false, inputRules: ['-A INPUT -p tcp -m tcp --dport 6443 -j DROP'] });
  });

  it('is null when the script did not run (sudo printed its error instead)', () => {
    expect(parseFacts('sudo: a password is required\n')).toBeNull();
  });

  it('keeps unknowns unknown: no timedatectl answer, no ss, unreadable product_uuid', () => {
    const f = parseFacts(`${GATHER_MARKER}\nproduct_uuid_error=cat: /sys/class/dmi/id/product_uuid: Permission denied\n`);
    expect(f).toMatchObject({ ntpSynchronized: null, listening: null, productUuid: null, cpus: null, os: null, swaps: [] });
    expect(f?.productUuidError).toMatch(/Permission denied/);
  });

  it('takes ports from /proc/net/tcp when ss is missing', () => {
    const f = parseFacts(`${GATHER_MARKER}\nports_source=proc\nlisten_hex=0016\nlisten_hex=2802\n`);
    expect(f?.listening).toEqual([
      { address: '', port: 22, process: null },
      { address: '', port: 10242, process: null },
    ]);
  });
});

describe('parseSsListenLine', () => {
  it('reads IPv6 and wildcard addresses, with and without a process', () => {
    expect(parseSsListenLine('LISTEN 0 4096 *:10250 *:*')).toEqual({ address: '*', port: 10250, process: null });
    expect(parseSsListenLine('LISTEN 0 4096 [::1]:6443 [::]:* users:(("kube-apiserver",pid=9,fd=3))')).toEqual({ address: '[::1]', port: 6443, process: 'kube-apiserver (pid 9)' });
    expect(parseSsListenLine('garbage')).toBeNull();
  });
});
