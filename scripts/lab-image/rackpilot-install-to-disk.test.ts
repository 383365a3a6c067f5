/**
 * The installer the lab image carries (rackpilot-install-to-disk) parses in dash — Debian's
 * /bin/sh, what cloud-init's runcmd runs it with — passes shellcheck where it is installed, takes
 * the arguments the install-to-disk profile passes, and fails with its one-line
 * "FAILED: what — what to do" before it touches a disk. Installing for real is the lab tier's job
 * (electron/core/vlab/install-to-disk.lab.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtInProfile } from '../../electron/core/boot/profiles/builtin-profiles';
import { renderUserData, templateVars } from '../../electron/core/boot/profiles/render';
import { tempDir } from '../../electron/core/testing/temp-app';
import type { Node } from '../../shared/domain/node';

const SCRIPT = resolve(__dirname, 'rackpilot-install-to-disk');
const IN_IMAGE = '/usr/local/sbin/rackpilot-install-to-disk';
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

const bin = tempDir('rackpilot-installer-stubs-');
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** Stubs ahead of the real tools on PATH: root, and a machine whose lsblk lists no disk at all. */
function stub(name: string, body: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}
stub('id', 'echo 0');
stub('lsblk', 'exit 0');

function runInstaller(args: string[]) {
  const r = spawnSync('dash', [SCRIPT, ...args], { env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` }, timeout: 10_000 });
  return { status: r.status, stderr: r.stderr.toString() };
}

/** The runcmd the built-in profile renders for a node. */
function profileArgs(): string[] {
  const profile = builtInProfile('install-to-disk');
  if (!profile) throw new Error('no install-to-disk profile');
  const node = { id: '3f1e9c1a-8d0b-4c55-9a39-0d3f2c5e7a11', name: 'r720-01', mac: '52:54:00:12:34:56', sshUser: 'rackpilot' } as Node;
  const vars = templateVars(profile, node, 'tok', { baseUrl: 'http://192.168.1.10:8080', adminPublicKeys: [], assetPath: (id) => `/assets/${id}` });
  const { runcmd } = parse(renderUserData(profile, vars)) as { runcmd: string[][] };
  const [command] = runcmd;
  expect(command?.[0]).toBe(IN_IMAGE);
  return command?.slice(1) ?? [];
}

describe('rackpilot-install-to-disk', () => {
  it('parses in dash and in bash --posix', () => {
    for (const [shell, ...flags] of [['dash', '-n'], ['bash', '--posix', '-n']]) {
      const r = spawnSync(shell ?? 'sh', [...flags, SCRIPT]);
      expect(r.stderr.toString(), shell).toBe('');
      expect(r.status, shell).toBe(0);
    }
  });

  it.skipIf(!hasShellcheck)('passes shellcheck (POSIX sh)', () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', SCRIPT]);
    expect(r.stdout.toString()).toBe('');
    expect(r.status).toBe(0);
  });

  it('is what the image builder copies to the path the profile runs', () => {
    const builder = readFileSync(resolve(__dirname, '../build-lab-image.sh'), 'utf8');
    expect(builder).toContain('INSTALLER="$(dirname "$SELF")/lab-image/rackpilot-install-to-disk"');
    expect(builder).toContain(`"$INSTALLER" "$root${IN_IMAGE}"`);
  });

  it("takes the profile's arguments, and says what failed and what to do when there is no disk", () => {
    const r = runInstaller(profileArgs());
    expect(r.stderr).toMatch(/^rackpilot-install-to-disk: FAILED: no disk to install to .* — give the node a disk/m);
    expect(r.status).toBe(1);
  });

  it('refuses a --disk that is not a whole disk', () => {
    const r = runInstaller([...profileArgs(), '--disk', '/dev/null']);
    expect(r.stderr).toMatch(/FAILED: \/dev\/null is not a whole disk — name a disk/);
    expect(r.status).toBe(1);
  });

  it('prints its usage (exit 2, no FAILED line) when an argument is missing or unknown', () => {
    for (const args of [[], ['--phone-home', 'http://x/'], [...profileArgs(), '--frobnicate']]) {
      const r = runInstaller(args);
      expect(r.stderr).toMatch(/usage: rackpilot-install-to-disk --phone-home URL/);
      expect(r.stderr).not.toMatch(/FAILED/);
      expect(r.status).toBe(2);
    }
  });
});
