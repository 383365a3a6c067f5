/**
 * Boot profiles and the asset cache on the Boot page, through the real UI: clone a built-in
 * profile, edit the copy, see the core refuse a profile that never phones home, delete it (and
 * see the core refuse while a node is armed with it); the asset catalog with its states, and an
 * import from a local file — first with a wrong SHA-256 (the job fails naming both hashes), then
 * unverified. Nothing here contacts the internet: no download is started.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { callApi, expect, test } from '../fixtures';

const LIVE = 'Live image (practice rack)';

async function openBootPage(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Boot' }).click();
  await expect(page.getByRole('heading', { name: 'Boot', level: 1 })).toBeVisible();
  return {
    profiles: page.getByRole('table', { name: 'Profiles' }),
    assets: page.getByRole('table', { name: 'Assets' }),
  };
}

const row = (table: ReturnType<Page['getByRole']>, name: string) => table.getByRole('row', { name, exact: true });

test('clone the live-image profile, edit its command line, get the phone-home refusal, delete it', async ({ app: page, server }) => {
  const { profiles } = await openBootPage(page);
  const builtIns = (await callApi(server, 'profiles.list', {})).filter((p) => p.builtIn).length;
  expect(builtIns).toBeGreaterThanOrEqual(4); // Ubuntu, Debian, live image, install to disk

  // The built-ins, read-only, each with the assets it boots.
  await expect(profiles.getByTestId('profile-row')).toHaveCount(builtIns);
  await expect(profiles.getByTestId('builtin-badge')).toHaveCount(builtIns);
  const live = row(profiles, LIVE);
  await expect(live).toContainText('cloud-init');
  await expect(live).toContainText('live-squashfs');
  await expect(live.getByRole('button', { name: `Edit ${LIVE}` })).toHaveCount(0);
  await expect(live.getByRole('button', { name: `Delete ${LIVE}` })).toHaveCount(0);

  // A built-in opens read-only, with the placeholders as help.
  await live.getByRole('button', { name: `View ${LIVE}` }).click();
  let editor = page.getByRole('dialog', { name: `${LIVE} (built-in)` });
  await expect(editor).toContainText('Built-in profiles are read-only');
  await expect(editor.getByLabel('Kernel command line')).not.toBeEditable();
  await editor.getByText('Placeholders you can use in the templates').click();
  await expect(editor.getByText('{{phoneHomeUrl}}', { exact: true })).toBeVisible();
  await expect(editor.getByRole('button', { name: /Save/ })).toHaveCount(0);
  await editor.getByRole('button', { name: 'Close' }).click();
  await expect(editor).toBeHidden();

  // Clone asks for a name (suggesting one), then opens the copy in the editor.
  await live.getByRole('button', { name: `Clone ${LIVE}` }).click();
  const clone = page.getByRole('dialog', { name: `Clone ${LIVE}` });
  const cloneName = clone.getByLabel('Name of the copy');
  await expect(cloneName).toBeFocused();
  await expect(cloneName).toHaveValue(`${LIVE} (copy)`);
  // A built-in's name is refused by the core, next to the field.
  await cloneName.fill(LIVE);
  await clone.getByRole('button', { name: 'Clone' }).click();
  await expect(cloneName).toHaveAttribute('aria-invalid', 'true');
  await expect(cloneName).toHaveAccessibleDescription(/name of a built-in profile/);
  await cloneName.fill('Lab live');
  await clone.getByRole('button', { name: 'Clone' }).click();
  await expect(clone).toBeHidden();

  editor = page.getByRole('dialog', { name: 'Edit Lab live' });
  await expect(editor).toBeVisible();
  const cmdline = editor.getByLabel('Kernel command line');
  const original = await cmdline.inputValue();
  expect(original).toContain('boot=live');
  await cmdline.fill(`${original} quiet loglevel=3`);
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(editor).toBeHidden();

  const mine = row(profiles, 'Lab live');
  await expect(mine).toBeVisible();
  await expect(mine.getByTestId('builtin-badge')).toHaveCount(0);
  await expect(mine).toContainText('cloud-init');
  await expect(profiles.getByTestId('profile-row')).toHaveCount(builtIns + 1);

  // The edit was saved by the core: it is there after a reload.
  await page.reload();
  await mine.getByRole('button', { name: 'Edit Lab live' }).click();
  editor = page.getByRole('dialog', { name: 'Edit Lab live' });
  await expect(editor.getByLabel('Kernel command line')).toHaveValue(`${original} quiet loglevel=3`);

  // Without {{phoneHomeUrl}} the node would reinstall forever: the core refuses, beside user-data.
  const userData = editor.getByLabel('cloud-init user-data');
  const yaml = await userData.inputValue();
  expect(yaml).toContain('{{phoneHomeUrl}}');
  await userData.fill(yaml.replace('"{{phoneHomeUrl}}"', '"http://example.invalid/phone-home"'));
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(userData).toHaveAttribute('aria-invalid', 'true');
  await expect(userData).toBeFocused();
  await expect(editor.getByTestId('userData-error')).toContainText('never phones home');
  await expect(editor.getByTestId('userData-error')).toContainText('reinstall on every network boot');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(__dirname, '..', 'artifacts', 'profile-editor-error.png') });
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await expect(editor).toBeHidden();

  // The Install dialog offers it, by its real id.
  const profileId = await mine.getAttribute('data-profile-id');
  expect(profileId).toBeTruthy();

  // While a node is armed with it, the core refuses to delete it and the dialog says why.
  const node = await callApi(server, 'nodes.create', { name: 'armed-01', mac: '52:54:00:00:09:01' });
  await callApi(server, 'nodes.install', { id: node.id, profileId: profileId ?? '', confirmName: 'armed-01' });
  await mine.getByRole('button', { name: 'Delete Lab live' }).click();
  let confirm = page.getByRole('dialog', { name: 'Delete Lab live?' });
  await expect(confirm).toHaveAccessibleDescription(/deletes the boot profile Lab live/);
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Delete profile' }).click();
  await expect(confirm.getByRole('alert')).toContainText('armed for the next install of armed-01');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(mine).toBeVisible();

  await callApi(server, 'nodes.cancelInstall', { id: node.id });
  await mine.getByRole('button', { name: 'Delete Lab live' }).click();
  confirm = page.getByRole('dialog', { name: 'Delete Lab live?' });
  await confirm.getByRole('button', { name: 'Delete profile' }).click();
  await expect(confirm).toBeHidden();
  await expect(mine).toHaveCount(0);
  await expect(profiles.getByTestId('profile-row')).toHaveCount(builtIns);
});

test('the asset catalog with states; import from a file: a wrong SHA-256 fails naming both hashes, then an unverified import', async ({ app: page, server }) => {
  const dir = mkdtempSync(join(tmpdir(), 'rackpilot-asset-'));
  try {
    const file = join(dir, 'vmlinuz');
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 7); // a few MiB, so progress has something to show
    writeFileSync(file, content);
    const actual = createHash('sha256').update(content).digest('hex');
    const wrong = 'a'.repeat(64);
    // A user profile too, so the picture shows one beside the built-ins.
    await callApi(server, 'profiles.clone', { id: 'live-image', name: 'Lab live' });

    const { profiles, assets } = await openBootPage(page);
    const builtIns = (await callApi(server, 'profiles.list', {})).filter((p) => p.builtIn).length;
    await expect(profiles.getByTestId('profile-row')).toHaveCount(builtIns + 1);
    const catalog = await callApi(server, 'assets.list', {});
    await expect(assets.getByTestId('asset-row')).toHaveCount(catalog.length);
    for (const a of catalog) {
      const r = assets.locator(`[data-asset-id="${a.entry.id}"]`);
      await expect(r.getByTestId('asset-state')).toHaveText('missing');
      // Downloadable entries offer Download; the practice rack's are built locally and only imported.
      await expect(r.getByRole('button', { name: `Download ${a.entry.name}` })).toHaveCount(a.entry.url ? 1 : 0);
      await expect(r.getByRole('button', { name: `Import ${a.entry.name} from a file` })).toBeVisible();
    }
    await expect(row(assets, 'Ubuntu 24.04 netboot kernel (amd64)').getByTestId('asset-verification')).toHaveText('Will be checked against the publisher’s SHA256SUMS');
    await expect(row(assets, 'Practice rack live root filesystem').getByTestId('asset-size')).toHaveText('~353 MiB');

    const kernel = row(assets, 'Practice rack live kernel');
    const openImport = async () => {
      await kernel.getByRole('button', { name: 'Import Practice rack live kernel from a file' }).click();
      const dialog = page.getByRole('dialog', { name: 'Import Practice rack live kernel' });
      await expect(dialog.getByLabel('Path of the file')).toBeFocused();
      return dialog;
    };

    // A path that is not there is refused beside the field; the hint says whose disk it is read from.
    let dialog = await openImport();
    const path = dialog.getByLabel('Path of the file');
    await expect(path).toHaveAccessibleDescription(/machine the Rackpilot server runs on/);
    await path.fill(join(dir, 'no-such-file'));
    await dialog.getByRole('button', { name: 'Import' }).click();
    await expect(path).toHaveAttribute('aria-invalid', 'true');
    await expect(path).toHaveAccessibleDescription(/Cannot import .*no-such-file/);

    // A SHA-256 that does not match: the job fails, the file is deleted, the row names both hashes.
    await path.fill(file);
    await dialog.getByLabel('Expected SHA-256 (optional)').fill(wrong);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await expect(dialog).toBeHidden();
    const error = kernel.getByTestId('asset-error');
    await expect(error).toContainText('Checksum mismatch');
    await expect(error).toContainText(`expected SHA-256 ${wrong}, got ${actual}`);
    await expect(kernel.getByTestId('asset-state')).toHaveText('missing');
    await expect(kernel.getByRole('button', { name: 'Download without verification' })).toHaveCount(0);
    await page.mouse.move(0, 0);
    await kernel.screenshot({ path: join(__dirname, '..', 'artifacts', 'asset-checksum-mismatch.png') });

    // Without a hash to compare it is kept, marked unverified, with its SHA-256 shown.
    dialog = await openImport();
    await dialog.getByLabel('Path of the file').fill(file);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await expect(dialog).toBeHidden();
    await expect(kernel.getByTestId('asset-state')).toHaveText('ready');
    await expect(kernel.getByTestId('asset-error')).toHaveCount(0);
    await expect(kernel.getByTestId('asset-size')).toHaveText('3.0 MiB');
    await expect(kernel.getByTestId('asset-verification')).toContainText('Not verified');
    await expect(kernel.getByTestId('asset-verification')).toContainText(actual);
    // The profiles that boot it see it ready.
    await expect(row(profiles, LIVE)).toContainText('live-vmlinuz ready');

    // Both jobs are on the Activity page too.
    const jobs = await callApi(server, 'jobs.list', { limit: 10 });
    expect(jobs.filter((j) => j.kind === 'asset.import').map((j) => j.state).sort()).toEqual(['failed', 'succeeded']);

    await page.mouse.move(0, 0);
    await page.setViewportSize({ width: 1360, height: 2600 });
    const top = await page.getByTestId('boot-profiles').boundingBox();
    const bottom = await page.getByTestId('boot-assets').boundingBox();
    if (!top || !bottom) throw new Error('the profiles and assets sections are not on screen');
    await page.screenshot({
      path: join(__dirname, '..', 'artifacts', 'boot-profiles.png'),
      clip: { x: top.x - 8, y: top.y - 8, width: top.width + 16, height: bottom.y + bottom.height - top.y + 16 },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
