/** A picture of the Nodes page with a few nodes, kept as e2e/artifacts/nodes-page.png. */
import { join } from 'node:path';
import { callApi, expect, test } from '../fixtures';
import { nodeRow } from './helpers';

test('screenshot of the Nodes page', async ({ page, server }) => {
  await callApi(server, 'nodes.import', {
    nodes: [
      { name: 'r720-01', mac: '52:54:00:10:00:01', address: '192.168.1.21', role: 'control-plane', tags: ['rack-a', 'dell'] },
      { name: 'r720-02', mac: '52:54:00:10:00:02', address: '192.168.1.22', role: 'worker', tags: ['rack-a', 'dell'] },
      { name: 'dl380-01', mac: '52:54:00:10:00:03', address: '192.168.1.23', role: 'worker', tags: ['rack-b', 'hp'] },
      { name: 'nuc-01', mac: '52:54:00:10:00:04', address: 'nuc-01.lan', role: 'storage', tags: ['mini'], notes: 'USB disk shelf' },
      { name: 'pi-01', mac: '52:54:00:10:00:05', address: '127.0.0.1', sshPort: 1, sshUser: 'pi', tags: ['arm'] },
      { name: 'pi-02', mac: '52:54:00:10:00:06', tags: ['arm'] },
    ],
  });
  await page.goto(server.url);
  const pi = nodeRow(page, 'pi-01');
  await pi.getByRole('button', { name: 'Check connectivity of pi-01' }).click();
  await expect(pi.getByTestId('check-status')).toHaveText('Unreachable');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(__dirname, '..', 'artifacts', 'nodes-page.png') });

  await page.getByRole('button', { name: 'Add node', exact: true }).click();
  await page.getByRole('dialog').getByLabel('MAC address', { exact: true }).fill('52:54:00:10:00:01');
  await page.getByRole('dialog').getByLabel('Name', { exact: true }).fill('r720-03');
  await page.getByRole('dialog').getByRole('button', { name: 'Add node' }).click();
  await expect(page.getByRole('dialog').getByLabel('MAC address', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: join(__dirname, '..', 'artifacts', 'node-form-error.png') });

  await page.getByRole('dialog').press('Escape');
  await page.getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByTestId('job').first()).toBeVisible();
  await page.screenshot({ path: join(__dirname, '..', 'artifacts', 'activity-page.png') });
});
