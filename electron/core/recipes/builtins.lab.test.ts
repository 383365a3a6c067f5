/**
 * The built-in recipes for real, on a virtual Debian 12 node (the lab image booted live under
 * QEMU): base, Docker Engine and the Kubernetes prerequisites apply with no failure, change the
 * node as they say, and a second run reports changed=0. Packages come from deb.debian.org
 * through QEMU user networking, as they would on a lab network with internet.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../../../shared/domain/node';
import type { RecipeId, RecipeRunResult } from '../../../shared/domain/recipe';
import { targetFromNode } from '../ssh/target';
import { bootLabVm, skipLabVm, type LabVm } from '../testing/lab-vm';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';

const skip = skipLabVm();
const RECIPES: RecipeId[] = ['base', 'docker', 'k8s-prereqs'];
const PARAMS = { timezone: 'Europe/Berlin', packages: ['htop'], unattendedUpgrades: true };

let t: TempApp;
let vm: LabVm;
let dir: string;
let node: Node;

async function runRecipe(recipe: RecipeId): Promise<RecipeRunResult> {
  const [started] = await t.client.call('nodes.runRecipe', { ids: [node.id], recipe, params: PARAMS });
  const job = await t.app.services.jobs.settled(started!.id);
  const result = job.result as RecipeRunResult;
  const line = result.steps.map((s) => `${s.id}=${s.status}${s.status === 'failed' ? ` (${s.message})` : ''} ${(s.durationMs / 1000).toFixed(1)}s`).join(', ');
  console.log(`recipe ${recipe}: ${JSON.stringify(result.summary)} — ${line}`);
  return result;
}

/** A root shell command on the node through Rackpilot's own pooled connection. */
async function sh(command: string): Promise<string> {
  const r = await t.app.services.ssh.run(targetFromNode(node), command, { sudo: true, timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`${command}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout.trim();
}

describe.skipIf(skip)('built-in recipes on a virtual Debian 12 node', () => {
  beforeAll(async () => {
    t = createTempApp();
    dir = tempDir('rackpilot-recipes-lab-');
    vm = await bootLabVm({ dir, authorizedKeys: [t.app.services.ssh.publicKey!.authorizedKey], hostname: 'lab-fresh' });
    const keys = await vm.waitForSsh(300_000);
    const mac = `52:54:00:${randomBytes(3).toString('hex').match(/../g)!.join(':')}`;
    node = await t.client.call('nodes.create', { name: 'lab-recipes-1', mac, address: '127.0.0.1', sshPort: vm.sshPort, sshUser: vm.user, role: 'worker' });
    const scan = await t.client.call('nodes.scanHostKey', { id: node.id });
    // The key sshd presents must be one cloud-init printed on the console: pin only that.
    expect(keys.map((k) => k.fingerprint)).toContain(scan.presented.fingerprint);
    node = await t.client.call('nodes.acceptHostKey', { id: node.id, fingerprint: scan.presented.fingerprint });
    // Give the node swap (zram, since the live root is an overlay), on at boot via fstab, so
    // "Turn swap off" has real work to do.
    await sh(`modprobe zram && echo 64M > /sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 && echo '/dev/zram0 none swap sw 0 0' >> /etc/fstab`);
  }, 360_000);

  afterAll(async () => {
    await t?.close();
    await vm?.stop();
    if (dir && !process.env.RACKPILOT_KEEP_LAB_VM) rmSync(dir, { recursive: true, force: true });
  });

  it('gathered the virtual node\'s facts on first contact, without being asked', async () => {
    const deadline = Date.now() + 120_000;
    let facts = await t.client.call('nodes.facts', { id: node.id });
    while (!facts && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      facts = await t.client.call('nodes.facts', { id: node.id });
    }
    expect(facts?.os.id).toBe('debian');
    expect(facts?.os.versionId).toBe('12');
    expect(facts?.virtualization).toMatch(/qemu|kvm/);
    expect(facts?.cpu.threads).toBe(2);
    const jobs = await t.client.call('jobs.list', { nodeId: node.id });
    expect(jobs.some((j) => j.kind === 'node.facts' && j.title.includes('first contact'))).toBe(true);
  }, 150_000);

  it('first run: every recipe applies without a failure and changes the node', async () => {
    for (const recipe of RECIPES) {
      const result = await runRecipe(recipe);
      expect(result.summary.failed, `${recipe}: ${JSON.stringify(result.steps)}`).toBe(0);
      expect(result.summary.changed, recipe).toBeGreaterThan(0);
    }
  }, 1_800_000);

  it('the node is what the recipes say', async () => {
    expect(await sh('hostname')).toBe('lab-recipes-1');
    expect(await sh('readlink /etc/localtime')).toBe('/usr/share/zoneinfo/Europe/Berlin');
    expect(await sh("dpkg-query -W -f='${Status}' htop unattended-upgrades")).toBe('install ok installedinstall ok installed');
    expect(await sh(`sudo -l -U ${vm.user}`)).toMatch(/NOPASSWD: ALL/);
    expect(await sh('swapon --noheadings --show=NAME | wc -l')).toBe('0');
    expect(await sh('grep zram0 /etc/fstab')).toMatch(/^# Swap turned off by Rackpilot/);
    expect(await sh('sysctl -n net.bridge.bridge-nf-call-iptables net.ipv4.ip_forward')).toBe('1\n1');
    expect(await sh('containerd config dump | grep -c "SystemdCgroup = true"')).not.toBe('0');
    expect(await sh('systemctl is-active docker containerd')).toBe('active\nactive');
    expect(await sh("docker info --format '{{.LoggingDriver}}'")).toBe('json-file');
    expect(await sh(`id -nG ${vm.user}`)).toMatch(/\bdocker\b/);
  }, 300_000);

  it('second run: changed=0 for every recipe', async () => {
    for (const recipe of RECIPES) {
      const result = await runRecipe(recipe);
      expect(result.summary, recipe).toMatchObject({ changed: 0, failed: 0 });
    }
  }, 900_000);
});
