/**
 * Test helpers for lab-tier tests on practice-rack nodes: whether such a test can run here, the
 * app set up as a learner's would be (the lab image imported, the boot services on loopback),
 * and closing it with proof that nothing is left behind (no QEMU, no lab network namespace).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { expect } from 'vitest';
import { labImage } from '../../testing/lab-vm';
import { freePort } from '../../testing/sshd';
import { findIp, labNames } from '../../vlab/lab-namespace';
import { vmPids, type VlabTestApp } from '../../vlab/test-vlab';

export const NO_LAB_IMAGE = 'no lab image: run scripts/build-lab-image.sh (scripts/setup-system.sh does)';

/** Why a practice-node test cannot run (the lab image is missing), or null. */
export function labImageUnavailable(): string | null {
  return labImage() ? null : NO_LAB_IMAGE;
}

/** True (and says why) when `what` must be skipped for `reason`; under CI that is a failure instead. */
export function gate(what: string, reason: string | null): boolean {
  if (!reason) return false;
  if (process.env.CI) throw new Error(`the ${what} cannot run under CI: ${reason}`);
  console.warn(`${what} skipped: ${reason}`);
  return true;
}

/** "Use the lab image" on the Practice rack page: every import job must succeed. */
export async function importLabImage(app: VlabTestApp): Promise<void> {
  const jobs = await app.client.call('vlab.useLabImage', {});
  const images = await Promise.all(jobs.map((j) => app.app.services.jobs.settled(j.id)));
  expect(images.map((j) => j.state)).toEqual(images.map(() => 'succeeded'));
}

/** The user's boot settings: services on loopback, running (the bridged lab serves its own network). */
export async function startBootServices(app: VlabTestApp): Promise<void> {
  const ports = { dhcp: await freePort(), proxy: await freePort(), tftp: await freePort(), http: await freePort() };
  await app.client.call('boot.configure', { mode: 'proxy', serverAddress: '127.0.0.1', interfaceName: 'lo', ports });
  await app.client.call('boot.start', {});
}

/**
 * Closes the app (`forget` runs once it is closed, so an afterEach does not close it twice), then
 * proves nothing is left: no QEMU for any of its VMs, no lab network namespace; removes its dir.
 */
export async function closeLeavingNothing(app: VlabTestApp, forget: () => void): Promise<void> {
  const vms = (await app.client.call('vlab.status', {})).nodes;
  const dir = app.dir;
  await app.close({ keepDir: true });
  forget();
  for (const vm of vms) expect(vmPids(vm.id), `QEMU of ${vm.name} still runs`).toEqual([]);
  expect(spawnSync(findIp() ?? 'ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(labNames(dir).ns);
  rmSync(dir, { recursive: true, force: true });
}
