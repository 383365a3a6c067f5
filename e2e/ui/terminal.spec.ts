/**
 * The in-app terminal through the real UI: a node on a real OpenSSH sshd (this host), its
 * Terminal tab, a typed command and its output on xterm's screen; copy, ^C, and the shell gone
 * once the tab goes away. The app's key is authorised and the host key pinned through the API.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../../electron/core/testing/sshd';
import type { Node } from '../../shared/domain/node';
import { callApi, expect, macFor, test, type RackpilotServer } from '../fixtures';
import { nodeRow } from './helpers';

const artifact = (name: string) => join(__dirname, '..', 'artifacts', name);

let sshd: TestSshd;
let shellUser: TestUser;
test.beforeAll(async () => {
  sshd = await startSshd();
  // Shells log in as a throwaway user with stock dotfiles: closing a terminal kills its shell
  // mid-start-up, which must not leave root's dotfile tools (pyenv's lock) stuck.
  shellUser = createTestUser('none');
});
test.afterAll(async () => {
  await sshd?.stop();
  shellUser?.remove();
});

let seq = 0;
async function sshNode(server: RackpilotServer, name: string, opts: { pinned: boolean; on?: TestSshd }): Promise<Node> {
  const host = opts.on ?? sshd;
  const key = await callApi(server, 'ssh.publicKey', {});
  host.authorize(shellUser.name, key!.authorizedKey);
  const node = await callApi(server, 'nodes.create', { name, mac: macFor(0x7e00 + ++seq), address: '127.0.0.1', sshPort: host.port, sshUser: shellUser.name, role: 'worker' });
  if (!opts.pinned) return node;
  return callApi(server, 'nodes.acceptHostKey', { id: node.id, fingerprint: host.hostKey.fingerprint });
}

async function openTerminalTab(page: Page, name: string) {
  await nodeRow(page, name).getByRole('link', { name }).click();
  const panel = page.getByRole('complementary', { name });
  await panel.getByRole('tab', { name: 'Terminal' }).click();
  return { panel, status: panel.getByTestId('terminal-status'), screen: panel.locator('.xterm-rows') };
}

/** Types a line into the focused terminal, as a person would. */
async function typeLine(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

test('a terminal to a node runs what is typed, and the shell goes when the tab closes', async ({ server, app: page }) => {
  await sshNode(server, 'term-node', { pinned: true });
  const { panel, status, screen } = await openTerminalTab(page, 'term-node');
  await expect(status).toHaveText('Connected');

  await typeLine(page, 'echo hello-$((6*7))');
  await expect(screen).toContainText('hello-42');

  // Ctrl+C is the shell's interrupt, not copy.
  await typeLine(page, 'sleep 60');
  await page.keyboard.press('Control+C');
  await typeLine(page, 'echo after-$((1+1))');
  await expect(screen).toContainText('after-2', { timeout: 5_000 });

  await typeLine(page, 'echo pid-$$');
  await expect(screen).toContainText(/pid-\d+/);
  const pid = Number(/pid-(\d+)/.exec((await screen.textContent()) ?? '')?.[1]);
  expect(existsSync(`/proc/${pid}`)).toBe(true);
  await page.screenshot({ path: artifact('node-terminal.png') });

  // Closing the node's details unmounts the terminal: the core closes the channel.
  await panel.getByRole('button', { name: 'Close node details' }).click();
  await expect(panel).toBeHidden();
  await expect.poll(() => existsSync(`/proc/${pid}`), { timeout: 10_000 }).toBe(false);
});

test('Ctrl+Shift+C copies the selection and Ctrl+Shift+V pastes', async ({ server, app: page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await sshNode(server, 'copy-node', { pinned: true });
  const { status, screen } = await openTerminalTab(page, 'copy-node');
  await expect(status).toHaveText('Connected');
  await typeLine(page, 'clear; echo copy-$((2*21))-me');
  await expect(screen).toContainText('copy-42-me');

  // Double-clicking a word selects it, as in any terminal (xterm's rows let the mouse through
  // to its screen, hence coordinates rather than a click on the row).
  const row = screen.locator('div').filter({ hasText: /^copy-42-me/ });
  const box = (await row.boundingBox())!;
  await page.mouse.dblclick(box.x + 10, box.y + box.height / 2);
  await page.keyboard.press('Control+Shift+C');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('copy-42-me');

  // Ctrl+Shift+V pastes: the browser's paste, which xterm sends to the shell as a paste.
  await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((3*3))'));
  await page.keyboard.press('Control+Shift+V');
  await page.keyboard.press('Enter');
  await expect(screen).toContainText('pasted-9');
});

test('a node that presents another host key than the pinned one is refused, with the reason on the status line', async ({ server, app: page }) => {
  const previous = await startSshd();
  try {
    const node = await sshNode(server, 'moved-node', { pinned: true, on: previous });
    // Another machine now answers where the node was (a reinstall, or an address taken over).
    await callApi(server, 'nodes.update', { id: node.id, changes: { sshPort: sshd.port } });
    const { status, panel } = await openTerminalTab(page, 'moved-node');
    await expect(status).toContainText('Could not open a shell: ');
    await expect(status).toContainText(`presented host key ${sshd.hostKey.type} ${sshd.hostKey.fingerprint}`);
    await expect(panel.getByRole('button', { name: 'Reconnect' })).toBeVisible();
  } finally {
    await previous.stop();
  }
});
