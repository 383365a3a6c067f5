/** When the API connection drops, the app says so, reconnects, and refetches what it missed. */
import type { WebSocketRoute } from '@playwright/test';
import { callApi, expect, test } from '../fixtures';
import { nodeRow } from './helpers';

test('a dropped connection shows a banner, reconnects, and picks up changes made meanwhile', async ({ page, server }) => {
  // Pass the app's socket through Playwright so the test can cut it.
  let socket: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/api\?token=/, (ws) => {
    socket = ws;
    ws.connectToServer();
  });
  await page.goto(server.url);
  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await expect(page.getByRole('heading', { name: 'No nodes yet' })).toBeVisible();

  // Hold the session check that precedes each reconnect attempt until the change is made.
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  await page.route('**/api/session', async (route) => {
    await gate;
    await route.continue();
  });

  expect(socket).not.toBeNull();
  await socket!.close({ code: 1012, reason: 'test cut the connection' });
  await expect(page.getByRole('status').filter({ hasText: 'reconnecting…' })).toBeVisible();
  await expect(page.getByTestId('connection-state')).toHaveText('Reconnecting…');

  await callApi(server, 'nodes.create', { name: 'made-while-away', mac: '52:54:00:00:03:01' });
  release();

  await expect(page.getByTestId('connection-state')).toHaveText('Connected');
  await expect(page.getByText('reconnecting…')).toHaveCount(0);
  await expect(nodeRow(page, 'made-while-away')).toBeVisible();
});
