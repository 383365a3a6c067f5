/**
 * The practice rack through the real UI, with real QEMU: create one BIOS node, start it, watch
 * iPXE appear on its serial console and the boot on its timeline, stop it, destroy it (confirmed).
 * Without QEMU the test is skipped on a developer's machine and fails under CI, where the
 * packages are meant to be installed.
 */
import { join } from 'node:path';
import { callApi, expect, test } from '../fixtures';

const artifact = (name: string) => join(__dirname, '..', 'artifacts', name);

test('create, boot, stop and destroy a virtual node', async ({ app: page, server }) => {
  test.setTimeout(120_000);
  const status = await callApi(server, 'vlab.status', {});
  if (!status.available || !status.firmwares.bios) {
    const why = `QEMU is not usable here: ${status.message ?? 'BIOS firmware (ipxe-qemu) missing'}`;
    if (process.env.CI) throw new Error(`${why}. CI must install ${status.install ?? 'qemu-system-x86 ipxe-qemu'}.`);
    test.skip(true, why);
  }

  // The page is in the navigation and is loaded when first opened.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Practice rack' }).click();
  await expect(page.getByRole('heading', { name: 'Practice rack', level: 1 })).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/rack');
  await expect(page.getByTestId('rack-status')).toContainText(status.accelerator.reason);
  await expect(page.getByTestId('rack-status')).toContainText(status.network.reason);

  // Create: a bad value is refused beside its field, then one BIOS node with 256 MiB.
  await page.getByRole('button', { name: 'Create nodes' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create nodes' });
  await expect(dialog.getByLabel('How many')).toBeFocused();
  const memory = dialog.getByLabel('Memory (MiB)');
  await memory.fill('128');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(memory).toHaveAttribute('aria-invalid', 'true');
  await expect(memory).toHaveAccessibleDescription(/at least 256 MiB/);
  await expect(memory).toBeFocused();
  await memory.fill('256');
  await dialog.getByLabel('Firmware').selectOption('bios');
  await dialog.getByLabel('Disk (GiB)').fill('1');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toBeHidden();

  const table = page.getByRole('table', { name: 'Virtual nodes' });
  const row = table.getByTestId('vm-row').filter({ hasText: 'vnode-01' });
  await expect(row.getByTestId('vm-state')).toHaveText('stopped');
  await expect(row).toContainText('BIOS · 256 MiB');
  const vm = (await callApi(server, 'vlab.status', {})).nodes.find((n) => n.name === 'vnode-01');
  expect(vm?.nodeId).toBeTruthy();
  await expect(row).toContainText(vm?.mac ?? '?');
  await expect(row.getByRole('link', { name: 'Open node' })).toHaveAttribute('href', `#/nodes/${vm?.nodeId ?? ''}`);

  // Start it and open its boot: state, timeline and console, live.
  await row.getByRole('button', { name: 'Start vnode-01' }).click();
  await expect(row.getByTestId('vm-state')).toHaveText('running', { timeout: 30_000 });
  await row.getByRole('link', { name: 'vnode-01' }).click();
  expect(new URL(page.url()).hash).toBe(`#/rack/${vm?.id ?? ''}`);
  const panel = page.getByRole('region', { name: 'vnode-01' });
  const consoleLog = panel.getByRole('log', { name: 'Serial console of vnode-01' });
  await expect(consoleLog).toContainText('iPXE', { timeout: 45_000 });
  // eslint-disable-next-line no-control-regex -- no escape reaches the page
  expect(await consoleLog.textContent()).not.toMatch(/\x1b/);
  await expect(consoleLog).toHaveAttribute('aria-live', 'off');
  const timeline = panel.getByRole('list', { name: 'Timeline of vnode-01' });
  await expect(timeline.locator('[data-kind="vlab.started"]')).toHaveCount(1);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: artifact('practice-rack.png'), fullPage: true });

  // Stop it (hard: firmware ignores the ACPI power button, so a graceful stop would wait 30 s).
  await row.getByRole('button', { name: 'Power off vnode-01' }).click();
  await expect(row.getByTestId('vm-state')).toHaveText('stopped', { timeout: 20_000 });
  await expect(timeline.locator('[data-kind="vlab.stopped"]')).toHaveCount(1);

  // Destroy, confirmed, with its inventory node: the row, the panel and the node are gone.
  await row.getByRole('button', { name: 'Destroy vnode-01' }).click();
  const confirm = page.getByRole('dialog', { name: 'Destroy vnode-01?' });
  await expect(confirm).toHaveAccessibleDescription(/disk and console log are deleted/);
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByLabel('Also remove it from the inventory').check();
  await confirm.getByRole('button', { name: 'Destroy' }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveCount(0);
  await expect(panel).toHaveCount(0);
  expect(new URL(page.url()).hash).toBe('#/rack');
  const after = await callApi(server, 'vlab.status', {});
  expect(after.nodes).toHaveLength(0);
  const nodes = await callApi(server, 'nodes.list', {});
  expect(nodes.some((n) => n.id === vm?.nodeId)).toBe(false);
});
