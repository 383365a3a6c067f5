/** Page-level steps shared by the UI specs. */
import { expect, type Page } from '@playwright/test';

export interface NodeFormInput {
  name: string;
  mac: string;
  address?: string;
  sshUser?: string;
  sshPort?: string;
  role?: string;
  tags?: string;
  notes?: string;
}

export async function fillNodeForm(page: Page, input: Partial<NodeFormInput>): Promise<void> {
  const dialog = page.getByRole('dialog');
  if (input.name !== undefined) await dialog.getByLabel('Name', { exact: true }).fill(input.name);
  if (input.mac !== undefined) await dialog.getByLabel('MAC address', { exact: true }).fill(input.mac);
  if (input.address !== undefined) await dialog.getByLabel('Address', { exact: true }).fill(input.address);
  if (input.sshUser !== undefined) await dialog.getByLabel('SSH user', { exact: true }).fill(input.sshUser);
  if (input.sshPort !== undefined) await dialog.getByLabel('SSH port', { exact: true }).fill(input.sshPort);
  if (input.role !== undefined) await dialog.getByLabel('Role', { exact: true }).selectOption(input.role);
  if (input.tags !== undefined) await dialog.getByLabel('Tags', { exact: true }).fill(input.tags);
  if (input.notes !== undefined) await dialog.getByLabel('Notes', { exact: true }).fill(input.notes);
}

/** Adds a node through the form and waits until the dialog has closed. */
export async function addNode(page: Page, input: NodeFormInput): Promise<void> {
  await page.getByRole('button', { name: 'Add node', exact: true }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add node' });
  await expect(dialog).toBeVisible();
  await fillNodeForm(page, input);
  await dialog.getByRole('button', { name: 'Add node' }).click();
  await expect(dialog).toBeHidden();
}

/** The table row showing the node with this name. */
export function nodeRow(page: Page, name: string) {
  return page.getByRole('table', { name: 'Nodes' }).getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
}
