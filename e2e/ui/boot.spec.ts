/**
 * Network boot through the real UI: arm a node's install (confirmed by typing its name), watch
 * its timeline update live, cancel it; configure and start the boot services and see each
 * service's status, or why it is not listening.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { addNode, nodeRow } from './helpers';

const artifact = (name: string) => join(__dirname, '..', 'artifacts', name);

/** Ports nothing listens on right now (TCP; good enough for the UDP services' high ports too). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((r) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => r(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

test('install a node: the confirmation names it, wants its name typed, and the timeline follows arm and cancel', async ({ app: page }) => {
  await addNode(page, { name: 'r720-07', mac: '52:54:00:00:07:01', address: '192.168.1.27' });
  const row = nodeRow(page, 'r720-07');

  // From the table: the confirmation names the node and says what will happen.
  await row.getByRole('button', { name: 'Install r720-07' }).click();
  let dialog = page.getByRole('dialog', { name: 'Install r720-07?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleDescription(/disk of r720-07.*will be wiped.*reinstalled.*at its next network boot/);
  await expect(dialog.getByLabel('Boot profile')).toBeFocused();
  // A wrong name is refused by the core, next to the field.
  const confirm = dialog.getByLabel('Type r720-07 to confirm');
  await confirm.fill('r720-7');
  await dialog.getByRole('button', { name: /Wipe and install/ }).click();
  await expect(confirm).toHaveAttribute('aria-invalid', 'true');
  await expect(confirm).toHaveAccessibleDescription('Type "r720-07" to confirm');
  await expect(confirm).toBeFocused();
  await expect(dialog.getByRole('alert')).toContainText('Installing wipes the disk of r720-07');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('install-armed')).toHaveCount(0);

  // The node's detail panel, opened from its name, shows its timeline.
  await row.getByRole('link', { name: 'r720-07' }).click();
  expect(new URL(page.url()).hash).toMatch(/^#\/nodes\/[\w-]+$/);
  const panel = page.getByRole('complementary', { name: 'r720-07' });
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'r720-07' })).toBeFocused();
  const timeline = panel.getByRole('list', { name: 'Timeline of r720-07' });
  await expect(timeline.getByTestId('timeline-event').first()).toContainText('Added');
  await expect(panel.getByTestId('netboot')).toHaveText('Off: boots from its disk');

  // Arm it from the panel with the right name: badge and timeline update without a reload.
  await panel.getByRole('button', { name: 'Install…' }).click();
  dialog = page.getByRole('dialog', { name: 'Install r720-07?' });
  await dialog.getByLabel('Boot profile').selectOption('ubuntu-24.04-autoinstall');
  await dialog.getByLabel('Type r720-07 to confirm').fill('r720-07');
  await dialog.getByRole('button', { name: /Wipe and install/ }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('install-armed')).toHaveText('install armed');
  await expect(row.getByTestId('node-state')).toHaveText('installing');
  await expect(panel.getByTestId('install-armed')).toBeVisible();
  await expect(panel.getByTestId('netboot')).toHaveText('Install armed with profile ubuntu-24.04-autoinstall');
  const newest = timeline.getByTestId('timeline-event').first();
  await expect(newest).toContainText('Install armed');
  await expect(newest).toContainText('boot.install-requested');
  await expect(newest).toContainText('profile ubuntu-24.04-autoinstall');

  await page.mouse.move(0, 0);
  await page.screenshot({ path: artifact('node-install-armed.png') });

  // Cancel: the badge goes, the timeline tells why the node will boot from its disk.
  await panel.getByRole('button', { name: 'Cancel install of r720-07' }).click();
  await expect(newest).toContainText('Install cancelled');
  await expect(newest).toContainText('it will boot from its disk');
  await expect(row.getByTestId('install-armed')).toHaveCount(0);
  await expect(panel.getByTestId('install-armed')).toHaveCount(0);
  await expect(row.getByTestId('node-state')).toHaveText('ready');
  await expect(timeline.getByTestId('timeline-event')).toHaveCount(3);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: artifact('node-timeline.png') });

  // Escape closes the panel and returns to the list.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  expect(new URL(page.url()).hash).toBe('#/nodes');
});

test('a node opened by its URL shows its details; an unknown id says so', async ({ app: page }) => {
  await addNode(page, { name: 'by-url', mac: '52:54:00:00:07:02' });
  await nodeRow(page, 'by-url').getByRole('link', { name: 'by-url' }).click();
  const url = page.url();
  await page.reload();
  await expect(page.getByRole('complementary', { name: 'by-url' })).toBeVisible();
  await page.goto(url.replace(/#\/nodes\/.*$/, '#/nodes/no-such-node'));
  await expect(page.getByRole('complementary', { name: 'Node not found' })).toBeVisible();
  await page.getByRole('button', { name: 'Close node details' }).click();
  await expect(page.getByRole('complementary')).toBeHidden();
});

test('the Boot page saves the lab address and ports, starts, and shows each service’s status', async ({ app: page }) => {
  const [http, tftp, dhcp, proxy] = await freePorts(4);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Boot' }).click();
  await expect(page.getByRole('heading', { name: 'Boot', level: 1 })).toBeVisible();
  const services = page.getByRole('list', { name: 'Boot services' }).getByRole('listitem');
  await expect(services).toHaveCount(3);
  await expect(page.getByTestId('ipxe')).toBeVisible();

  // Starting before an address is chosen says what to do first.
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Choose the lab network first');

  const form = page.getByRole('form', { name: 'Mode and network' });
  await expect(form.getByRole('radio', { name: /proxyDHCP/ })).toBeChecked();
  const address = form.getByLabel('Lab network address');
  const loopback = await address.locator('option', { hasText: '127.0.0.1' }).first().getAttribute('value');
  await address.selectOption(loopback ?? '');
  await form.getByLabel('HTTP port', { exact: true }).fill(String(http));
  await form.getByLabel('TFTP port', { exact: true }).fill(String(tftp));
  await form.getByLabel('DHCP port', { exact: true }).fill(String(dhcp));
  await form.getByLabel('proxyDHCP port', { exact: true }).fill(String(proxy));
  await expect(form).toContainText('Unsaved changes');
  await form.getByRole('button', { name: 'Save configuration' }).click();
  await expect(form).not.toContainText('Unsaved changes');
  await expect(form.getByLabel('HTTP port', { exact: true })).toHaveValue(String(http));

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  // Every service has left "stopped": it listens, or its card says why not.
  for (const card of await services.all()) {
    const state = card.getByTestId('service-state');
    await expect(state).toHaveText(/^(listening|failed)$/);
    if ((await state.textContent()) === 'failed') {
      await expect(card.getByTestId('service-error')).toContainText(/\S/);
      await expect(card.getByTestId('service-error').locator('.service-error-code')).toHaveText(/^E_[A-Z_]+$/);
    }
  }
  const httpCard = page.getByRole('listitem', { name: 'HTTP boot server' });
  if ((await httpCard.getByTestId('service-state').textContent()) === 'listening') {
    await expect(httpCard.getByTestId('service-address')).toHaveText(`Listening on 127.0.0.1:${http}`);
  }
  await page.mouse.move(0, 0);
  // The page scrolls inside the shell, so a taller window shows all of it.
  await page.setViewportSize({ width: 1360, height: 1900 });
  await page.screenshot({ path: artifact('boot-page.png') });
  await page.setViewportSize({ width: 1360, height: 820 });

  await page.getByRole('button', { name: 'Stop' }).click();
  for (const card of await services.all()) await expect(card.getByTestId('service-state')).toHaveText('stopped');
});

test('full DHCP needs a valid pool (the core’s field errors show inline) and forcing it asks first', async ({ app: page }) => {
  await page.getByRole('link', { name: 'Boot' }).click();
  const form = page.getByRole('form', { name: 'Mode and network' });
  await form.getByRole('radio', { name: /Full DHCP/ }).check();
  await form.getByLabel('First address').fill('10.0.0.300');
  await form.getByLabel('HTTP port', { exact: true }).fill('70000');
  await form.getByRole('button', { name: 'Save configuration' }).click();
  // Checked here first: a port out of range never reaches the core.
  await expect(form.getByLabel('HTTP port', { exact: true })).toHaveAccessibleDescription(/Port is 1-65535/);
  await form.getByLabel('HTTP port', { exact: true }).fill('18080');
  await form.getByRole('button', { name: 'Save configuration' }).click();
  const start = form.getByLabel('First address');
  await expect(start).toHaveAttribute('aria-invalid', 'true');
  await expect(start).toHaveAccessibleDescription(/IPv4 address/);

  const force = form.getByRole('checkbox', { name: /another DHCP server answers/ });
  // Ticking it only asks; the box is ticked once the danger is confirmed.
  await force.click();
  const confirm = page.getByRole('dialog', { name: /Force full DHCP/ });
  await expect(confirm).toContainText('take every device offline');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(force).not.toBeChecked();
  await force.click();
  await page.getByRole('dialog').getByRole('button', { name: /Yes, start even if/ }).click();
  await expect(force).toBeChecked();
});
