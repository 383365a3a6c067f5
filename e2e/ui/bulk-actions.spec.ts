/**
 * Bulk actions through the real UI against real OpenSSH sshd instances on this host: select nodes
 * (a shift-click range, then "select all visible"), run one command on all of them and read each
 * node's result — two answer, one has nothing listening on its port — and export an Ansible
 * inventory for them.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { freePort, startSshd, type TestSshd } from '../../electron/core/testing/sshd';
import { callApi, expect, macFor, test, type RackpilotServer } from '../fixtures';
import { nodeRow } from './helpers';

const artifact = (name: string) => join(__dirname, '..', 'artifacts', name);

let a: TestSshd;
let b: TestSshd;
test.beforeAll(async () => {
  [a, b] = await Promise.all([startSshd(), startSshd()]);
});
test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

let seq = 0;
async function addNode(server: RackpilotServer, name: string, port: number, pin: TestSshd | null): Promise<void> {
  const node = await callApi(server, 'nodes.create', { name, mac: macFor(0xb000 + ++seq), address: '127.0.0.1', sshPort: port, sshUser: 'root', role: 'worker' });
  if (pin) await callApi(server, 'nodes.acceptHostKey', { id: node.id, fingerprint: pin.hostKey.fingerprint });
}

test('run a command on selected nodes and read each node’s result; export them for Ansible', async ({ server, app: page }) => {
  const key = await callApi(server, 'ssh.publicKey', {});
  a.authorize('root', key!.authorizedKey);
  b.authorize('root', key!.authorizedKey);
  await addNode(server, 'alpha', a.port, a);
  await addNode(server, 'bravo', b.port, b);
  await addNode(server, 'charlie', await freePort(), null);
  await expect(page.getByTestId('node-count')).toHaveText('3 nodes');

  // A shift-click selects the range from the last row clicked.
  await nodeRow(page, 'alpha').getByRole('checkbox', { name: 'Select alpha' }).check();
  const bar = page.getByRole('group', { name: 'Actions on the selected nodes' });
  await expect(bar.getByTestId('selected-count')).toHaveText('1 selected');
  await nodeRow(page, 'charlie').getByRole('checkbox', { name: 'Select charlie' }).click({ modifiers: ['Shift'] });
  await expect(bar.getByTestId('selected-count')).toHaveText('3 selected');
  await expect(nodeRow(page, 'bravo').getByRole('checkbox', { name: 'Select bravo' })).toBeChecked();
  await bar.getByRole('button', { name: 'Clear selection' }).click();
  await expect(bar).toBeHidden();

  // Space on a focused row toggles it; "select all visible" takes the rest.
  await nodeRow(page, 'bravo').focus();
  await page.keyboard.press(' ');
  await expect(bar.getByTestId('selected-count')).toHaveText('1 selected');
  const all = page.getByRole('checkbox', { name: 'Select all visible nodes' });
  await expect(all).toHaveJSProperty('indeterminate', true);
  await all.check();
  await expect(bar.getByTestId('selected-count')).toHaveText('3 selected');

  await bar.getByRole('button', { name: 'Run command…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run a command' });
  await expect(dialog.getByLabel('Command')).toBeFocused();
  await expect(dialog).toContainText('On 3 nodes: alpha, bravo, charlie');
  // An empty command is refused before anything runs.
  await dialog.getByRole('button', { name: 'Run on 3 nodes' }).click();
  await expect(dialog.getByLabel('Command')).toHaveAccessibleDescription(/Enter a command to run/);
  await dialog.getByLabel('Command').fill('echo hi-$(hostname)');
  await dialog.getByRole('button', { name: 'Run on 3 nodes' }).click();
  await expect(dialog).toBeHidden();

  const results = page.getByRole('region', { name: 'Command on 3 nodes' });
  await expect(results.getByRole('heading', { name: 'Command on 3 nodes' })).toBeFocused();
  const row = (name: string) => results.getByTestId('bulk-row').and(page.locator(`[data-node="${name}"]`));
  for (const name of ['alpha', 'bravo']) {
    await expect(row(name)).toHaveAttribute('data-state', 'ok', { timeout: 20_000 });
    await expect(row(name).getByTestId('bulk-output')).toHaveText(`hi-${hostname()}`);
    await expect(row(name).getByRole('cell').nth(1)).toHaveText('0'); // exit code
  }
  await expect(row('charlie')).toHaveAttribute('data-state', 'unreachable', { timeout: 20_000 });
  await expect(row('charlie').getByTestId('bulk-output')).toHaveText(/\S{10,}/);
  await expect(row('charlie').getByTestId('bulk-output')).toContainText(/refused|not listening|reach/i);
  await expect(results.getByTestId('bulk-summary')).toHaveText('2 ok · 1 unreachable');

  // A row expands to its full output.
  await row('alpha').getByRole('button', { name: 'alpha' }).click();
  await expect(results.getByRole('region', { name: 'Output of alpha' })).toContainText(`hi-${hostname()}`);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: artifact('bulk-command-results.png') });

  // The inventory for the same selection, as YAML.
  await bar.getByRole('button', { name: 'Export Ansible inventory' }).click();
  const exp = page.getByRole('dialog', { name: 'Ansible inventory for 3 nodes' });
  await exp.getByRole('radio', { name: 'YAML' }).check();
  const text = exp.getByRole('textbox', { name: 'Ansible inventory (YAML)' });
  await expect(text).toHaveValue(/^# Rackpilot: Ansible inventory for 3 node\(s\)/);
  const yaml = await text.inputValue();
  expect(yaml).toMatch(/^all:\n {2}children:\n {4}worker:\n {6}hosts:\n/m);
  for (const name of ['alpha', 'bravo', 'charlie']) expect(yaml).toContain(`\n        ${name}:\n          ansible_host: 127.0.0.1\n`);
  await expect(exp.getByRole('button', { name: 'Save as inventory.yml…' })).toBeVisible();
  await exp.getByRole('button', { name: 'Close' }).click();
  await expect(exp).toBeHidden();

  // And the ssh config for them: Host blocks, and known_hosts lines for the two pinned keys.
  await bar.getByRole('button', { name: 'Export SSH config' }).click();
  const ssh = page.getByRole('dialog', { name: 'SSH config for 3 nodes' });
  const config = ssh.getByRole('textbox', { name: 'SSH config' });
  await expect(config).toHaveValue(/^# Rackpilot: SSH config for 3 node/);
  const snippet = await config.inputValue();
  for (const name of ['alpha', 'bravo', 'charlie']) expect(snippet).toContain(`\nHost ${name}\n  HostName 127.0.0.1\n`);
  expect(snippet).toContain(`rackpilot-alpha ${a.hostKey.type} ${a.hostKey.key}`);
  expect(snippet).toContain('# charlie: no pinned host key yet');
  await page.keyboard.press('Escape');
  await expect(ssh).toBeHidden();
});

test('a recipe checked on selected nodes shows each node’s outcome with its counts', async ({ server, app: page }) => {
  const key = await callApi(server, 'ssh.publicKey', {});
  a.authorize('root', key!.authorizedKey);
  await addNode(server, 'delta', a.port, a);
  await addNode(server, 'echo', await freePort(), null);
  await expect(page.getByTestId('node-count')).toHaveText('2 nodes');
  await page.getByRole('checkbox', { name: 'Select all visible nodes' }).check();
  await page.getByRole('button', { name: 'Run recipe…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run a recipe' });
  await dialog.getByRole('radio', { name: /Docker Engine/ }).check();
  // The Docker recipe reads no parameters; check mode changes nothing on this machine.
  await expect(dialog.getByLabel('Time zone', { exact: true })).toHaveCount(0);
  await dialog.getByLabel('Check only', { exact: true }).check();
  await dialog.getByRole('button', { name: 'Check 2 nodes' }).click();
  await expect(dialog).toBeHidden();

  const results = page.getByRole('region', { name: 'Check of "Docker Engine" on 2 nodes' });
  const row = (name: string) => results.getByTestId('bulk-row').and(page.locator(`[data-node="${name}"]`));
  await expect(row('delta')).toHaveAttribute('data-state', /succeeded|failed/, { timeout: 45_000 });
  await expect(row('delta')).toContainText(/ok \d+ · would change \d+ · failed \d+ · skipped \d+|Step ".*" failed/);
  await expect(row('echo')).toHaveAttribute('data-state', 'failed', { timeout: 20_000 });
  await expect(row('echo')).toContainText(/refused|not listening|reach/i);
  await expect(results.getByRole('columnheader', { name: 'would change' })).toBeVisible();

  // Expanding a row shows its step list.
  await row('delta').getByRole('button', { name: 'delta' }).click();
  const steps = results.getByRole('list', { name: /^Steps of Check recipe "Docker Engine" on delta/ });
  await expect(steps.getByTestId('recipe-step').first()).toBeVisible();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: artifact('bulk-recipe-results.png') });
});
