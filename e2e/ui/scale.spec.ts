/** 2,000 nodes: the table renders a window of rows, and search stays quick. */
import { callApi, expect, macFor, test } from '../fixtures';

const ROLES = ['unassigned', 'control-plane', 'worker', 'storage'] as const;

test('2,000 nodes render virtualised, and the search narrows them', async ({ page, server }) => {
  const nodes = Array.from({ length: 2000 }, (_, i) => ({
    name: `node-${String(i).padStart(5, '0')}`,
    mac: macFor(i + 1),
    address: `10.${Math.floor(i / 250)}.${i % 250}.10`,
    role: ROLES[i % ROLES.length],
    tags: [`rack-${i % 10}`],
  }));
  const result = await callApi(server, 'nodes.import', { nodes });
  expect(result.rejected).toEqual([]);

  await page.goto(server.url);
  const count = page.getByTestId('node-count');
  await expect(count).toHaveText('2,000 nodes');
  const rows = page.getByTestId('node-row');
  await expect(rows.first()).toBeVisible();
  const rendered = await rows.count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(100);
  await expect(page.getByRole('table', { name: 'Nodes' })).toHaveAttribute('aria-rowcount', '2001');
  expect(await page.evaluate(() => performance.getEntriesByName('nodes-rendered').length)).toBe(1);

  // Rows are keyboard focusable: arrows move one row, End jumps to the last (scrolling it in).
  await rows.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'node-00001', exact: true }) })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'node-01999', exact: true }) })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'node-00000', exact: true }) })).toBeFocused();

  // Scrolling to the end brings the last rows into the DOM.
  await page.getByTestId('nodes-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.getByRole('cell', { name: 'node-01999', exact: true })).toBeVisible();

  const search = page.getByRole('searchbox', { name: 'Search nodes' });
  await search.pressSequentially('node-0012');
  await expect(count).toHaveText('10 of 2,000 nodes');
  await expect(rows).toHaveCount(10);
  await search.fill('rack-3');
  await expect(count).toHaveText('200 of 2,000 nodes');
  await page.getByLabel('Role').selectOption('storage');
  await expect(count).toHaveText('100 of 2,000 nodes');

  const measures = await page.evaluate(() => performance.getEntriesByName('filter', 'measure').map((m) => m.duration));
  expect(measures.length).toBeGreaterThan(0);
  // Generous bound: a keystroke's filter over 2,000 nodes should commit well within a frame budget or two.
  expect(Math.max(...measures)).toBeLessThan(250);
});
