/** Jobs and the event log: a connectivity check that fails, one that is cancelled. */
import { createServer, type Server, type Socket } from 'node:net';
import { callApi, expect, test } from '../fixtures';
import { addNode, nodeRow } from './helpers';

test('a connectivity check of an unreachable node fails with a clear message on the Activity page', async ({ app: page }) => {
  await addNode(page, { name: 'nobody-home', mac: '52:54:00:00:02:01', address: '127.0.0.1', sshPort: '1' });
  const row = nodeRow(page, 'nobody-home');
  await row.getByRole('button', { name: 'Check connectivity of nobody-home' }).click();
  await expect(row.getByTestId('check-status')).toHaveText('Unreachable');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
  const job = page.getByRole('listitem', { name: 'Connectivity check of nobody-home' });
  await expect(job.getByTestId('job-state')).toHaveText('failed');
  await expect(job.getByTestId('job-error')).toContainText('Connection refused by 127.0.0.1:1');
  await expect(job.getByRole('button', { name: /^Cancel/ })).toHaveCount(0);

  // The log opens on demand.
  const expander = job.getByRole('button', { name: 'Connectivity check of nobody-home' });
  await expander.click();
  await expect(expander).toHaveAttribute('aria-expanded', 'true');
  await expect(job.getByLabel('Job log')).toContainText('address 127.0.0.1');

  // The audit trail tells the story, newest first.
  const events = page.getByRole('table', { name: 'Event log' });
  await expect(events).toContainText('nobody-home');
  await expect(events.getByRole('row').nth(1)).toContainText('job.failed');
});

test('a running job can be cancelled from the Activity page', async ({ app: page, server }) => {
  // An SSH port that accepts connections but never says hello keeps the check in its last phase.
  const sockets = new Set<Socket>();
  const silent: Server = createServer((s) => sockets.add(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  try {
    const node = await callApi(server, 'nodes.create', { name: 'silent', mac: '52:54:00:00:02:02', address: '127.0.0.1', sshPort: port });
    await expect(nodeRow(page, 'silent')).toBeVisible();
    await callApi(server, 'nodes.checkConnectivity', { id: node.id });

    await page.getByRole('link', { name: 'Activity' }).click();
    const job = page.getByRole('listitem', { name: 'Connectivity check of silent' });
    await expect(job.getByTestId('job-state')).toHaveText('running');
    await expect(job.getByRole('progressbar')).toBeVisible();
    await job.getByRole('button', { name: 'Cancel Connectivity check of silent' }).click();
    await expect(job.getByTestId('job-state')).toHaveText('cancelled');
    await expect(job.getByRole('button', { name: /^Cancel/ })).toHaveCount(0);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});
