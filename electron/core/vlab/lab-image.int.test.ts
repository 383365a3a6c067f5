/**
 * The lab image through the API, with a real asset cache and a build directory shaped like the
 * one scripts/build-lab-image.sh writes (small files, real SHA-256s): missing → built → imported
 * and verified → ready; a rebuild makes it stale; a broken manifest or a corrupted file is a clear
 * error and the cache keeps what it had.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/domain/job';
import { rejection } from '../testing/rejection';
import { createTempApp, tempDir, type TempApp } from '../testing/temp-app';

let t: TempApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Writes a build: three files and the manifest naming their hashes. */
function writeBuild(dir: string, tag: string, corrupt?: 'initrd.img'): void {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, { bytes: number; sha256: string }> = {};
  for (const name of ['vmlinuz', 'initrd.img', 'filesystem.squashfs']) {
    const body = Buffer.from(`${name} of build ${tag}\n`.repeat(1000));
    writeFileSync(join(dir, name), corrupt === name ? Buffer.concat([body, Buffer.from('x')]) : body);
    files[name] = { bytes: body.length, sha256: sha(body) };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ recipeHash: tag, suite: 'bookworm', kernelVersion: '6.1.0-test-amd64', builtAt: '2026-11-24T00:00:00Z', buildSeconds: 1, files, packages: [] }));
}

async function settledAll(jobs: Job[]): Promise<Job[]> {
  return Promise.all(jobs.map((j) => t!.app.services.jobs.settled(j.id)));
}

describe('vlab.labImage / vlab.useLabImage', () => {
  it('says how to build a missing image, imports a built one with its checksums, and sees a rebuild as stale', async () => {
    const dir = join(tempDir('rackpilot-labimg-'), 'current');
    t = createTempApp(undefined, { labImageDir: dir });
    const missing = await t.client.call('vlab.labImage', {});
    expect(missing).toMatchObject({ state: 'missing', build: null, dir, buildCommand: 'sudo bash scripts/build-lab-image.sh' });
    expect(missing.message).toContain('sudo bash scripts/build-lab-image.sh');
    expect((await rejection(t.client.call('vlab.useLabImage', {}))).message).toMatch(/No lab image found in .*Build it first/);

    writeBuild(dir, 'aaaa');
    expect(await t.client.call('vlab.labImage', {})).toMatchObject({ state: 'built', build: { recipeHash: 'aaaa', kernelVersion: '6.1.0-test-amd64', bytes: expect.any(Number) } });
    const jobs = await settledAll(await t.client.call('vlab.useLabImage', {}));
    expect(jobs.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const ready = await t.client.call('vlab.labImage', {});
    expect(ready.state).toBe('ready');
    const assets = await t.client.call('assets.list', {});
    for (const id of ['live-vmlinuz', 'live-initrd', 'live-squashfs']) expect(assets.find((a) => a.entry.id === id)).toMatchObject({ state: 'ready', verification: 'published-sums' });

    writeBuild(dir, 'bbbb');
    expect((await t.client.call('vlab.labImage', {})).state).toBe('stale');
    await settledAll(await t.client.call('vlab.useLabImage', {}));
    expect((await t.client.call('vlab.labImage', {})).state).toBe('ready');
  });

  it('refuses a file that does not match the manifest, and a manifest it cannot read', async () => {
    const dir = join(tempDir('rackpilot-labimg-'), 'current');
    t = createTempApp(undefined, { labImageDir: dir });
    writeBuild(dir, 'cccc', 'initrd.img');
    const jobs = await settledAll(await t.client.call('vlab.useLabImage', {}));
    expect(jobs.map((j) => j.state)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(jobs[1]?.error?.message).toMatch(/SHA-256|checksum/i);
    expect((await t.client.call('vlab.labImage', {})).state).not.toBe('ready');

    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    expect((await rejection(t.client.call('vlab.labImage', {}))).message).toMatch(/not valid JSON\. Rebuild the image: sudo bash scripts\/build-lab-image\.sh/);
  });
});
