/**
 * The node panel against a real OpenSSH sshd on this host: a node added by hand shows "Host key
 * not pinned"; Scan shows the fingerprint sshd really has; Accept pins it; a changed key is shown
 * loudly and can only be replaced through a danger confirmation; facts gathered over SSH match this
 * machine; a check-only recipe run shows its live step list. The app's key is authorised for root.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../../electron/core/testing/sshd';
import type { Node } from '../../shared/domain/node';
import { callApi, expect, macFor, test, type RackpilotServer } from '../fixtures';
import { nodeRow } from './helpers';

const artifact = (name: string) => join(__dirname, '..', 'artifacts', name);

let sshd: TestSshd;
test.beforeAll(async () => {
  sshd = await startSshd();
});
test.afterAll(async () => {
  await sshd?.stop();
  for (const u of testUsers) u.remove();
});

const testUsers: TestUser[] = [];
let seq = 0;
/** A node on an sshd of this host, logging in as root with the app's key (authorised here). */
async function sshNode(server: RackpilotServer, name: string, opts: { pinned: boolean; on?: TestSshd; user?: string }): Promise<Node> {
  const host = opts.on ?? sshd;
  const user = opts.user ?? 'root';
  const key = await callApi(server, 'ssh.publicKey', {});
  host.authorize(user, key!.authorizedKey);
  const node = await callApi(server, 'nodes.create', { name, mac: macFor(0xde00 + ++seq), address: '127.0.0.1', sshPort: host.port, sshUser: user, role: 'worker' });
  return opts.pinned ? callApi(server, 'nodes.acceptHostKey', { id: node.id, fingerprint: host.hostKey.fingerprint }) : node;
}

async function openPanel(page: Page, name: string) {
  await nodeRow(page, name).getByRole('link', { name }).click();
  const panel = page.getByRole('complementary', { name });
  await expect(panel).toBeVisible();
  return panel;
}

test('a hand-added node: compare and pin its host key, then gather facts that match this machine', async ({ server, app: page }) => {
  const key = await callApi(server, 'ssh.publicKey', {});
  await sshNode(server, 'by-hand', { pinned: false });
  const panel = await openPanel(page, 'by-hand');

  // Tabs, Overview first; Rackpilot's key to authorise is on it.
  const overviewTab = panel.getByRole('tab', { name: 'Overview' });
  await expect(overviewTab).toHaveAttribute('aria-selected', 'true');
  await expect(panel.getByRole('tab', { name: 'Terminal', exact: true })).toBeVisible();
  const overview = panel.getByRole('tabpanel', { name: 'Overview' });
  await expect(overview.getByTestId('public-key')).toHaveText(key!.authorizedKey);
  await expect(overview).toContainText("add this to the node's ~/.ssh/authorized_keys");

  // Not pinned: scan shows the fingerprint sshd has, the way OpenSSH prints it.
  await expect(overview.getByTestId('hostkey-state')).toHaveText('Host key not pinned');
  await overview.getByRole('button', { name: 'Scan host key' }).click();
  await expect(overview.getByTestId('presented-fingerprint')).toHaveText(`ED25519 key fingerprint is ${sshd.hostKey.fingerprint}.`);
  await overview.getByRole('button', { name: 'Accept and pin this key' }).click();
  const pinned = overview.getByRole('list', { name: 'Pinned SSH host keys' });
  await expect(pinned).toContainText(sshd.hostKey.fingerprint);
  await expect(overview.getByTestId('hostkey-state')).toHaveCount(0);
  await expect(overview.getByTestId('timeline-event').first()).toContainText(`Pinned host key ssh-ed25519 ${sshd.hostKey.fingerprint}`);

  // Arrow keys move between tabs (WAI-ARIA tabs, automatic activation).
  await overviewTab.focus();
  await page.keyboard.press('ArrowRight');
  const factsTab = panel.getByRole('tab', { name: 'Facts' });
  await expect(factsTab).toBeFocused();
  await expect(factsTab).toHaveAttribute('aria-selected', 'true');
  await expect(overview).toBeHidden();
  const facts = panel.getByRole('tabpanel', { name: 'Facts' });
  await expect(facts.getByTestId('facts-empty')).toHaveText('No facts yet — gathered on first SSH contact or with Gather now');

  await facts.getByRole('button', { name: 'Gather now' }).click();
  const prettyName = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))![1]!;
  const threads = execFileSync('nproc', ['--all']).toString().trim();
  await expect(facts.getByTestId('fact-os')).toHaveText(prettyName, { timeout: 20_000 });
  await expect(facts.getByTestId('fact-threads')).toHaveText(threads);
  await expect(facts.getByTestId('fact-kernel')).toContainText(execFileSync('uname', ['-r']).toString().trim());
  await expect(facts.getByTestId('fact-memory')).toHaveText(/^\d+(\.\d)? [KMGT]iB$/);
  await expect(facts.getByRole('table', { name: 'Network interfaces of by-hand' }).getByRole('row', { name: /^lo\b/ })).toContainText('127.0.0.1/8');
  await expect(facts.getByRole('button', { name: 'Gather again' })).toBeEnabled();

  // The connection that gathered them is pooled: Overview says so.
  await factsTab.focus();
  await page.keyboard.press('Home');
  await expect(overviewTab).toBeFocused();
  await expect(overview.getByTestId('ssh-state')).toHaveText('Connected');

  await factsTab.click();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: artifact('node-detail-facts.png') });

  // Escape still closes the panel.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
});

test('a changed host key is shown with both fingerprints and replaced only after a danger confirmation', async ({ server, app: page }) => {
  const rekeyed = await startSshd();
  try {
    await sshNode(server, 'rekeyed', { pinned: true, on: rekeyed });
    const old = rekeyed.hostKey.fingerprint;
    await rekeyed.restart({ newHostKey: true });
    const panel = await openPanel(page, 'rekeyed');
    await panel.getByRole('button', { name: 'Scan host key' }).click();
    const alert = panel.getByTestId('hostkey-mismatch');
    await expect(alert).toHaveAttribute('role', 'alert');
    await expect(alert).toContainText('presents a different host key than the one pinned');
    await expect(alert).toContainText(old);
    await expect(alert).toContainText(rekeyed.hostKey.fingerprint);
    await expect(alert).toContainText('man-in-the-middle');
    await alert.scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: artifact('node-detail-hostkey-mismatch.png') });

    await alert.getByRole('button', { name: 'Replace the pinned key…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replace the pinned host key of rekeyed?' });
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    const replace = dialog.getByRole('button', { name: 'Replace the pinned key' });
    await expect(replace).toBeDisabled();
    await dialog.getByLabel("I checked on the node's console that its key has the new fingerprint.").check();
    await replace.click();
    await expect(dialog).toBeHidden();
    const pinned = panel.getByRole('list', { name: 'Pinned SSH host keys' });
    await expect(pinned).toContainText(rekeyed.hostKey.fingerprint);
    await expect(pinned).not.toContainText(old);
    await expect(panel.getByTestId('hostkey-mismatch')).toHaveCount(0);
  } finally {
    await rekeyed.stop();
  }
});

test('a recipe checked on a node shows its steps live, then lists the run', async ({ server, app: page }) => {
  await sshNode(server, 'recipe-node', { pinned: true });
  const panel = await openPanel(page, 'recipe-node');
  await panel.getByRole('tab', { name: 'Recipes' }).click();
  const recipes = panel.getByRole('tabpanel', { name: 'Recipes' });
  const form = recipes.getByRole('form', { name: 'Run a recipe on recipe-node' });
  await form.getByRole('radio', { name: /Base system/ }).check();

  // The parameters are checked like the core checks them.
  await form.getByLabel('Time zone', { exact: true }).fill('berlin');
  await form.getByLabel('Extra packages', { exact: true }).fill('htop Bad_Name');
  // Check mode only: the built-in recipes must not change this machine.
  await form.getByLabel('Check only', { exact: true }).check();
  await form.getByRole('button', { name: 'Check' }).click();
  await expect(form.getByLabel('Time zone', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Time zone', { exact: true })).toHaveAccessibleDescription(/^Time zone must be a tz database name/);
  await expect(form.getByLabel('Extra packages', { exact: true })).toHaveAccessibleDescription(/^"Bad_Name": Package names use lower-case/);
  await expect(recipes.getByTestId('recipe-run')).toHaveCount(0);
  await form.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
  await form.getByLabel('Extra packages', { exact: true }).fill('htop');
  await form.getByRole('button', { name: 'Check' }).click();

  const run = recipes.getByTestId('recipe-run');
  await expect(run.getByTestId('recipe-run-state')).toHaveText(/succeeded|failed/, { timeout: 45_000 });
  const steps = run.getByTestId('recipe-step');
  expect(await steps.count()).toBeGreaterThan(3);
  // Every step has settled, none is still pending or running.
  for (const status of await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))) {
    expect(['ok', 'changed', 'failed', 'skipped']).toContain(status);
  }
  await expect(run).toContainText(/ok \d+ · would change \d+ · failed \d+ · skipped \d+/);
  await expect(run.getByRole('region', { name: /^Log of Check recipe "Base system" on recipe-node/ })).toContainText('recipe-node: ok=');
  await expect(recipes.getByRole('list', { name: 'Recipe runs on recipe-node' }).getByRole('listitem')).toHaveCount(1);
  await run.scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: artifact('node-detail-recipe.png') });
});

test('the Terminal tab keeps its session while another tab is shown, and Escape in it goes to the shell', async ({ server, app: page }) => {
  // A throwaway user with stock dotfiles: the shell is closed when the test ends (see terminal.spec).
  const shellUser = createTestUser('none');
  testUsers.push(shellUser);
  await sshNode(server, 'term-tabs', { pinned: true, user: shellUser.name });
  const panel = await openPanel(page, 'term-tabs');
  const terminalTab = panel.getByRole('tab', { name: 'Terminal', exact: true });
  await terminalTab.click();
  const terminal = panel.getByRole('tabpanel', { name: 'Terminal' });
  await expect(terminal.getByTestId('terminal-status')).toHaveText('Connected', { timeout: 15_000 });
  const screen = terminal.locator('.xterm-rows');
  await page.keyboard.type('echo kept-$((20+22))');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText('kept-42');

  // Escape belongs to the shell (vi, less…): the panel stays open.
  await page.keyboard.press('Escape');
  await expect(panel).toBeVisible();

  // Another tab and back: the same session, its output still there.
  await panel.getByRole('tab', { name: 'Overview' }).click();
  await expect(terminal).toBeHidden();
  await terminalTab.click();
  await expect(screen).toContainText('kept-42');
  await expect(terminal.getByTestId('terminal-status')).toHaveText('Connected');
});
