/**
 * Host-key acceptance, facts and the exported ssh config against a real OpenSSH sshd on this
 * host (logging in as root with the app's own key), checked against local reads.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events } from '../../../shared/contract';
import type { Node } from '../../../shared/domain/node';
import { startSshd, type TestSshd } from '../testing/sshd';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';
import { rejection } from '../testing/rejection';

let sshd: TestSshd;
let t: TempApp;
let node: Node;

beforeAll(async () => {
  t = createTempApp();
  sshd = await startSshd({ authorizedKeys: { root: [t.app.services.ssh.publicKey!.authorizedKey] } });
  node = await t.client.call('nodes.create', { name: 'local-1', mac: '52:54:00:fa:c7:01', address: '127.0.0.1', sshPort: sshd.port, sshUser: 'root', role: 'worker' });
});
afterAll(async () => {
  await t?.close();
  await sshd?.stop();
});


describe('host keys, facts and exports (real OpenSSH sshd)', () => {
  it('will not gather facts before a host key is pinned', async () => {
    const job = await t.app.services.jobs.settled((await t.client.call('nodes.gatherFacts', { id: node.id })).id);
    expect(job).toMatchObject({ kind: 'node.facts', state: 'failed', error: { code: 'E_SSH_HOSTKEY_UNKNOWN' } });
    expect(await t.client.call('nodes.facts', { id: node.id })).toBeNull();
  });

  it('shows the presented key and pins it only when the accepted fingerprint matches', async () => {
    const scan = await t.client.call('nodes.scanHostKey', { id: node.id });
    expect(scan).toEqual({ presented: sshd.hostKey, pinned: [], match: 'unknown' });

    const wrong = 'SHA256:' + 'A'.repeat(43);
    const err = await rejection(t.client.call('nodes.acceptHostKey', { id: node.id, fingerprint: wrong }));
    expect(err.code).toBe('E_CONFLICT');
    expect((await t.client.call('nodes.get', { id: node.id })).hostKeys).toEqual([]);

    const other = t.connect();
    const seen: Events['nodes.changed'][] = [];
    other.subscribe('nodes.changed', (e) => seen.push(e));
    node = await t.client.call('nodes.acceptHostKey', { id: node.id, fingerprint: sshd.hostKey.fingerprint });
    expect(node.hostKeys).toEqual([sshd.hostKey]);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toContainEqual({ op: 'upsert', node });
    const events = await t.client.call('events.list', { subjectId: node.id });
    expect(events.map((e) => e.summary)).toContainEqual(expect.stringContaining(`Pinned host key ssh-ed25519 ${sshd.hostKey.fingerprint}`));
    expect(await t.client.call('nodes.scanHostKey', { id: node.id })).toMatchObject({ match: 'pinned' });
  });

  it('gathers facts that agree with this host', async () => {
    const job = await t.app.services.jobs.settled((await t.client.call('nodes.gatherFacts', { id: node.id })).id);
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ state: 'succeeded', phases: ['connect', 'gather', 'store'] });
    const facts = await t.client.call('nodes.facts', { id: node.id });
    expect(facts).toEqual(job.result);
    const osId = /^ID=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))![1]!.replace(/"/g, '');
    expect(facts?.os.id).toBe(osId);
    const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
    expect(facts?.memoryBytes).toBe(memKb * 1024);
    expect(facts?.kernel).toBe(spawnSync('uname', ['-r']).stdout.toString().trim());
    expect(facts?.arch).toBe({ x64: 'x86_64', arm64: 'aarch64' }[arch()] ?? facts?.arch);
    expect(facts?.cpu.threads).toBe((readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm) ?? []).length);
    expect(facts?.nics.find((n) => n.name === 'lo')?.addresses).toContainEqual({ family: 'inet', address: '127.0.0.1', prefixLength: 8 });
    const lsblk = JSON.parse(spawnSync('lsblk', ['-J', '-b', '-o', 'NAME']).stdout.toString()) as { blockdevices: { name: string }[] };
    expect(facts?.disks.map((d) => d.name)).toEqual(lsblk.blockdevices.map((d) => d.name));
  });

  it('exports an ssh config that OpenSSH uses with the pinned key', async () => {
    const text = await t.client.call('nodes.exportSshConfig', { ids: [node.id] });
    const dir = tempDir();
    const [config, knownHosts] = text.split('# known_hosts lines (append to ~/.ssh/known_hosts):');
    writeFileSync(join(dir, 'config'), config!);
    writeFileSync(join(dir, 'known_hosts'), knownHosts!);
    const ssh = (file: string) =>
      spawnSync('ssh', ['-F', join(dir, 'config'), '-o', `UserKnownHostsFile=${join(dir, file)}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', 'local-1', 'echo ok'], { timeout: 15_000 });
    const ok = ssh('known_hosts');
    expect(ok.stderr.toString()).toBe('');
    expect(ok.stdout.toString()).toBe('ok\n');
    writeFileSync(join(dir, 'empty'), '');
    expect(ssh('empty').status).not.toBe(0);

    const ini = await t.client.call('nodes.exportAnsibleInventory', { ids: [node.id], format: 'ini' });
    expect(ini).toContain(`[worker]\nlocal-1 ansible_host=127.0.0.1 ansible_user=root ansible_port=${sshd.port} ansible_ssh_private_key_file=${join(t.dir, 'ssh/rackpilot_ed25519')}`);
  });

  it('reports a changed host key as a mismatch and refuses to gather', async () => {
    await sshd.restart({ newHostKey: true });
    const scan = await t.client.call('nodes.scanHostKey', { id: node.id });
    expect(scan).toMatchObject({ match: 'mismatch', presented: sshd.hostKey, pinned: node.hostKeys });
    const job = await t.app.services.jobs.settled((await t.client.call('nodes.gatherFacts', { id: node.id })).id);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'E_SSH_HOSTKEY_MISMATCH' } });
  });
});
