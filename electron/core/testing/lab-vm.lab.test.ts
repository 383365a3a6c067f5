/**
 * The lab image as a live node: booted rootless under QEMU TCG, seeded by NoCloud over HTTP, and
 * reached over SSH with a throwaway key and the host keys pinned from the serial console — the
 * same footing recipes get on a real node (Debian 12, passwordless sudo, a working apt).
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLabVm, skipLabVm, type LabVm } from './lab-vm';
import { opensshOnVm, type VmSshResult } from './lab-vm-ssh';
import { tempDir } from './temp-app';

const run = promisify(execFile);
const skip = skipLabVm();
let vm: LabVm;
let dir: string;
let identity: string;
let knownHosts: string;

/** One command over the OpenSSH client, trusting only the given known_hosts file. */
function ssh(command: string, opts: { knownHostsFile?: string; timeoutMs?: number } = {}): Promise<VmSshResult> {
  return opensshOnVm(vm, { identity, knownHostsFile: opts.knownHostsFile ?? knownHosts, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) }, command);
}

describe.skipIf(skip)('a lab node booted live under QEMU TCG (rootless, NoCloud over HTTP)', () => {
  beforeAll(async () => {
    dir = tempDir('rackpilot-lab-vm-');
    identity = join(dir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rackpilot-lab-test', '-f', identity]);
    const started = Date.now();
    vm = await bootLabVm({ dir, authorizedKeys: [readFileSync(`${identity}.pub`, 'utf8').trim()], hostname: 'lab-node-1' });
    await vm.waitForSsh(280_000);
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, vm.knownHosts());
    const at = (path: string) => vm.requests.find((r) => r.path === path)?.ms;
    console.log(
      `lab VM: squashfs requested at ${fmt(at('/filesystem.squashfs'))}, seed at ${fmt(at('/seed/meta-data'))}, ` +
        `SSH ready at ${fmt(Date.now() - started)}`,
    );
  }, 300_000);

  afterAll(async () => {
    await vm?.stop();
    // Keep the serial log of a failed run for a look; remove it otherwise.
    if (dir && !process.env.RACKPILOT_KEEP_LAB_VM) rmSync(dir, { recursive: true, force: true });
  });

  it('fetched the squashfs and the whole NoCloud seed (meta-data, user-data, vendor-data)', () => {
    const fetched = vm.requests.filter((r) => r.status === 200).map((r) => r.path);
    expect(fetched).toEqual(expect.arrayContaining(['/filesystem.squashfs', '/seed/meta-data', '/seed/user-data', '/seed/vendor-data']));
  });

  it('presents the host key cloud-init printed on the console, and no other', async () => {
    expect(vm.hostKeys.map((k) => k.type)).toContain('ssh-ed25519');
    const ok = await ssh('true');
    expect(ok.stderr).not.toMatch(/WARNING|verification failed/i);
    expect(ok.code).toBe(0);
    // A known_hosts with some other key for this host must make the client refuse.
    const other = join(dir, 'known_hosts.other');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other_host_key')]);
    const [type, key] = readFileSync(join(dir, 'other_host_key.pub'), 'utf8').split(' ');
    writeFileSync(other, `[127.0.0.1]:${vm.sshPort} ${type} ${key}\n`);
    const refused = await ssh('true', { knownHostsFile: other });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
  });

  it('runs Debian 12 (bookworm) with the hostname from meta-data', async () => {
    const r = await ssh('cat /etc/os-release; echo "HOSTNAME=$(hostname)"');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID=debian$/m);
    expect(r.stdout).toMatch(/^VERSION_ID="12"$/m);
    expect(r.stdout).toMatch(/^VERSION_CODENAME=bookworm$/m);
    expect(r.stdout).toMatch(/^HOSTNAME=lab-node-1$/m);
  });

  it('gives the admin user passwordless sudo, without hostname warnings', async () => {
    const r = await ssh('sudo -n true && id -un');
    expect(r).toMatchObject({ code: 0, stdout: `${vm.user}\n` });
    expect(r.stderr).not.toMatch(/unable to resolve host/);
  });

  it('runs apt-get update against deb.debian.org through QEMU user networking', async () => {
    const started = Date.now();
    const r = await ssh('sudo -n apt-get update', { timeoutMs: 240_000 });
    console.log(`lab VM: apt-get update took ${fmt(Date.now() - started)}`);
    expect(r.stderr).not.toMatch(/^(E|W|Err):/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/bookworm-security/);
    expect(r.stdout).toMatch(/Reading package lists/);
  }, 260_000);
});

function fmt(ms: number | undefined): string {
  return ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`;
}
