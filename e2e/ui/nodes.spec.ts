/** The node inventory through the real UI: add, validate, edit, remove, persist, live updates. */
import { expect, test } from '../fixtures';
import { addNode, fillNodeForm, nodeRow } from './helpers';

test('an empty inventory invites you to add the first node, which is then listed', async ({ app: page }) => {
  await expect(page.getByRole('heading', { name: 'No nodes yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Add your first node' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add node' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await fillNodeForm(page, { name: 'r720-01', mac: '52-54-00-AA-BB-01', address: '192.168.1.21', role: 'worker', tags: 'rack-a, gpu' });
  await dialog.getByRole('button', { name: 'Add node' }).click();
  await expect(dialog).toBeHidden();

  const row = nodeRow(page, 'r720-01');
  await expect(row).toBeVisible();
  // The core normalises the MAC; the table shows what the core stored.
  await expect(row.getByRole('cell', { name: '52:54:00:aa:bb:01' })).toBeVisible();
  await expect(row.getByRole('cell', { name: '192.168.1.21' })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'worker' })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'rackpilot' })).toBeVisible();
  await expect(row).toContainText('rack-a');
  await expect(page.getByTestId('node-count')).toHaveText('1 node');
});

test('Escape closes the add form without adding anything', async ({ app: page }) => {
  await page.getByRole('button', { name: 'Add node', exact: true }).first().click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('heading', { name: 'No nodes yet' })).toBeVisible();
});

test('an invalid MAC shows an inline error next to the MAC field', async ({ app: page }) => {
  await page.getByRole('button', { name: 'Add node', exact: true }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add node' });
  await fillNodeForm(page, { name: 'bad-mac', mac: '52:54:00:zz:11' });
  await dialog.getByRole('button', { name: 'Add node' }).click();

  const mac = dialog.getByLabel('MAC address');
  await expect(mac).toHaveAttribute('aria-invalid', 'true');
  await expect(mac).toHaveAccessibleDescription(/is not a MAC address/);
  await expect(mac).toBeFocused();
  await expect(dialog.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true');
  // Fixing the field clears its error; the node can then be added.
  await mac.fill('52:54:00:00:11:22');
  await expect(mac).not.toHaveAttribute('aria-invalid', 'true');
  await dialog.getByRole('button', { name: 'Add node' }).click();
  await expect(dialog).toBeHidden();
  await expect(nodeRow(page, 'bad-mac')).toBeVisible();
});

test('a duplicate MAC is refused with a message naming the node that has it', async ({ app: page }) => {
  await addNode(page, { name: 'first-node', mac: '52:54:00:00:00:10' });
  await page.getByRole('button', { name: 'Add node', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add node' });
  await fillNodeForm(page, { name: 'second-node', mac: '52:54:00:00:00:10' });
  await dialog.getByRole('button', { name: 'Add node' }).click();

  const mac = dialog.getByLabel('MAC address');
  await expect(mac).toHaveAttribute('aria-invalid', 'true');
  await expect(mac).toHaveAccessibleDescription(/already belongs to node "first-node"/);
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('node-count')).toHaveText('1 node');
});

test('a duplicate name is refused next to the name field', async ({ app: page }) => {
  await addNode(page, { name: 'same-name', mac: '52:54:00:00:00:20' });
  await page.getByRole('button', { name: 'Add node', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add node' });
  await fillNodeForm(page, { name: 'same-name', mac: '52:54:00:00:00:21' });
  await dialog.getByRole('button', { name: 'Add node' }).click();
  await expect(dialog.getByLabel('Name')).toHaveAccessibleDescription(/already used by another node/);
});

test('a node can be edited, and removed after confirming', async ({ app: page }) => {
  await addNode(page, { name: 'edit-me', mac: '52:54:00:00:00:30', address: '10.0.0.5' });
  const row = nodeRow(page, 'edit-me');
  await row.getByRole('button', { name: 'Edit edit-me' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit edit-me' });
  await expect(dialog.getByLabel('MAC address')).toHaveValue('52:54:00:00:00:30');
  await fillNodeForm(page, { name: 'edited', address: 'edited.lan', role: 'storage', tags: 'disks' });
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();

  const edited = nodeRow(page, 'edited');
  await expect(edited.getByRole('cell', { name: 'edited.lan' })).toBeVisible();
  await expect(edited.getByRole('cell', { name: 'storage' })).toBeVisible();
  await expect(nodeRow(page, 'edit-me')).toHaveCount(0);

  // Cancelling the confirmation keeps the node.
  await edited.getByRole('button', { name: 'Remove edited' }).click();
  let confirm = page.getByRole('dialog', { name: 'Remove edited?' });
  await expect(confirm).toContainText('This removes edited (52:54:00:00:00:30)');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(edited).toBeVisible();

  await edited.getByRole('button', { name: 'Remove edited' }).click();
  confirm = page.getByRole('dialog', { name: 'Remove edited?' });
  await confirm.getByRole('button', { name: 'Remove node' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('heading', { name: 'No nodes yet' })).toBeVisible();
});

test('an edit that clashes with another node shows the core message on the field', async ({ app: page }) => {
  await addNode(page, { name: 'alpha', mac: '52:54:00:00:00:40' });
  await addNode(page, { name: 'beta', mac: '52:54:00:00:00:41' });
  await nodeRow(page, 'beta').getByRole('button', { name: 'Edit beta' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit beta' });
  await fillNodeForm(page, { mac: '52:54:00:00:00:40' });
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog.getByLabel('MAC address')).toHaveAccessibleDescription(/already belongs to node "alpha"/);
});

test('data survives a reload of the page', async ({ app: page }) => {
  await addNode(page, { name: 'persistent', mac: '52:54:00:00:00:50' });
  await page.reload();
  // The token is gone from the address bar, but this tab kept it.
  expect(new URL(page.url()).hash).toBe('#/nodes');
  await expect(nodeRow(page, 'persistent')).toBeVisible();
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
});

test('a second tab sees a node added in the first without reloading', async ({ app: page, server, context }) => {
  const second = await context.newPage();
  await second.goto(server.url);
  await expect(second.getByRole('heading', { name: 'No nodes yet' })).toBeVisible();

  await addNode(page, { name: 'live-node', mac: '52:54:00:00:00:60' });
  await expect(nodeRow(second, 'live-node')).toBeVisible();

  await nodeRow(page, 'live-node').getByRole('button', { name: 'Remove live-node' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove node' }).click();
  await expect(second.getByRole('heading', { name: 'No nodes yet' })).toBeVisible();
});

test('search, filters and sorting narrow and order the table', async ({ app: page }) => {
  await addNode(page, { name: 'web-01', mac: '52:54:00:00:01:01', address: '10.1.0.11', role: 'worker', tags: 'rack-a' });
  await addNode(page, { name: 'web-02', mac: '52:54:00:00:01:02', address: '10.1.0.12', role: 'worker', tags: 'rack-b', notes: 'noisy fan' });
  await addNode(page, { name: 'db-01', mac: '52:54:00:00:01:03', address: '10.1.0.13', role: 'storage', tags: 'rack-a' });
  const count = page.getByTestId('node-count');
  await expect(count).toHaveText('3 nodes');

  const search = page.getByRole('searchbox', { name: 'Search nodes' });
  await search.fill('web');
  await expect(count).toHaveText('2 of 3 nodes');
  await search.fill('noisy');
  await expect(count).toHaveText('1 of 3 nodes');
  await expect(nodeRow(page, 'web-02')).toBeVisible();
  await search.fill('52:54:00:00:01:03');
  await expect(count).toHaveText('1 of 3 nodes');
  await search.fill('nothing-like-this');
  await expect(page.getByRole('heading', { name: 'No nodes match' })).toBeVisible();
  await page.getByRole('button', { name: 'Clear search and filters' }).click();
  await expect(count).toHaveText('3 nodes');

  await page.getByLabel('Role').selectOption('storage');
  await expect(count).toHaveText('1 of 3 nodes');
  await page.getByLabel('Role').selectOption('');
  await page.getByLabel('Tag').selectOption('rack-a');
  await expect(count).toHaveText('2 of 3 nodes');
  await page.getByLabel('Tag').selectOption('');

  const nameHeader = page.getByRole('columnheader', { name: 'Name' });
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  const names = () => page.getByTestId('node-row').locator('[role="cell"]:first-child').allTextContents();
  expect(await names()).toEqual(['db-01', 'web-01', 'web-02']);
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  expect(await names()).toEqual(['web-02', 'web-01', 'db-01']);
  const roleHeader = page.getByRole('columnheader', { name: 'Role' });
  await roleHeader.getByRole('button').click();
  await expect(roleHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(nameHeader).toHaveAttribute('aria-sort', 'none');
  expect(await names()).toEqual(['db-01', 'web-01', 'web-02']);
});
