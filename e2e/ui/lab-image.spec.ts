/**
 * The lab image panel on the Practice rack page, against a real server whose cache dir
 * (RACKPILOT_CACHE_DIR) holds a small build shaped like scripts/build-lab-image.sh's output:
 * first no build (the page shows the build command), then a build, imported with one click and
 * verified against its manifest, after which the panel says it is served.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callApi, expect, test } from '../fixtures';

// Named, not created, at load: Playwright also loads spec files to list them, in a process that
// never runs afterAll, so a directory made here would be left behind.
const cacheDir = join(tmpdir(), `rackpilot-ui-cache-${process.pid}`);
test.use({ serverEnv: { RACKPILOT_CACHE_DIR: cacheDir } });
test.afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function writeBuild(): void {
  const dir = join(cacheDir, 'lab-image', 'current');
  mkdirSync(dir, { recursive: true });
  const files: Record<string, { bytes: number; sha256: string }> = {};
  for (const name of ['vmlinuz', 'initrd.img', 'filesystem.squashfs']) {
    const body = Buffer.from(`${name}\n`.repeat(4096));
    writeFileSync(join(dir, name), body);
    files[name] = { bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ recipeHash: 'ui-test', kernelVersion: '6.1.0-ui-amd64', builtAt: '2026-11-24T01:00:00Z', files }));
}

test('says how to build the lab image, then imports a build with one click', async ({ app: page, server }) => {
  const status = await callApi(server, 'vlab.status', {});
  // The panel belongs to a usable practice rack; CI installs QEMU, so there a skip would hide a broken set-up.
  if (!status.available) {
    const why = `QEMU is not usable here, so the Practice rack page shows no lab image panel: ${status.message ?? ''}`;
    if (process.env.CI) throw new Error(`${why}. CI must install ${status.install ?? 'qemu-system-x86 qemu-utils'}.`);
    test.skip(true, why);
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Practice rack' }).click();
  const panel = page.getByTestId('lab-image');
  await expect(panel).toHaveAttribute('data-state', 'missing');
  await expect(panel).toContainText('sudo bash scripts/build-lab-image.sh');
  await expect(panel.getByRole('button', { name: 'Copy the build command' })).toBeVisible();

  writeBuild();
  // Opening the page again reads the status again.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Nodes' }).click();
  await nav.getByRole('link', { name: 'Practice rack' }).click();
  await expect(panel).toHaveAttribute('data-state', 'built');
  await panel.getByRole('button', { name: 'Use the lab image' }).click();
  await expect(panel).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
  await expect(panel).toContainText('kernel 6.1.0-ui-amd64');
  const assets = await callApi(server, 'assets.list', {});
  expect(assets.filter((a) => a.entry.id.startsWith('live-')).map((a) => [a.entry.id, a.state])).toEqual([
    ['live-vmlinuz', 'ready'],
    ['live-initrd', 'ready'],
    ['live-squashfs', 'ready'],
  ]);
});
