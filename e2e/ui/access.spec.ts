/** The headless server's token: without it (or with a wrong one) the app does not start. */
import { expect, test } from '../fixtures';

const TOKEN_MESSAGE = 'This Rackpilot server needs its access token. Open the URL the server printed at start (it ends in #token=…).';

test('a wrong token is refused: the page explains, and the app is not shown', async ({ page, server }) => {
  await page.goto(`${server.origin}/#token=not-the-token`);
  await expect(page.getByRole('alert')).toHaveText(/needs its access token/);
  await expect(page.getByRole('alert')).toContainText(TOKEN_MESSAGE);
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Nodes' })).toHaveCount(0);
});

test('a missing token is refused the same way', async ({ page, server }) => {
  await page.goto(`${server.origin}/`);
  await expect(page.getByRole('alert')).toContainText(TOKEN_MESSAGE);
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
});

test('the printed URL opens the app and takes the token out of the address bar', async ({ page, server }) => {
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(server.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  // The server's strict CSP (no inline script or style) lets everything the renderer needs load.
  expect(problems).toEqual([]);
  expect(page.url()).not.toContain(server.token);
  expect(new URL(page.url()).hash).toBe('#/nodes');
});

test('every page opens from the navigation and is marked current', async ({ app: page }) => {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Nodes' })).toHaveAttribute('aria-current', 'page');
  await nav.getByRole('link', { name: 'Boot' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Boot' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Boot' })).toHaveAttribute('aria-current', 'page');
  // Stacks and Clusters are built: their pages offer a new stack / cluster instead of a placeholder.
  for (const [link, button] of [
    ['Stacks', 'New stack'],
    ['Clusters', 'New cluster'],
  ] as const) {
    await nav.getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { level: 1, name: link })).toBeVisible();
    await expect(page.getByRole('button', { name: button })).toBeVisible();
    await expect(nav.getByRole('link', { name: link })).toHaveAttribute('aria-current', 'page');
  }
  // Labs is built too: its page is the catalog of guided labs, with where the learner's own labs go.
  await nav.getByRole('link', { name: 'Labs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Labs' })).toBeVisible();
  await expect(page.getByText(/Your own labs are read from/)).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Labs' })).toHaveAttribute('aria-current', 'page');
});
