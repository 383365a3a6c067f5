/**
 * The Clusters page against a real server and the stand-in rack (issue 7: "create a cluster from
 * nodes, watch phases, tear down"). The rack's nodes are real Linux namespaces with real OpenSSH
 * sshd, sudo, iptables, links and mounts; only kubeadm, kubectl, kubelet, crictl, systemctl,
 * apt-get and curl are stand-ins (electron/core/testing/kube-rack.ts), because Kubernetes cannot
 * be obtained here — hence "(stand-in kubeadm)" in the test's name.
 */
import type { Page } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireStandInRack, standInRackUnavailable, startStandInRack, type StandInRack } from '../../electron/core/testing/kube-rack';
import { callApi, expect, macFor, test, type RackpilotServer } from '../fixtures';

const CLUSTER = 'ui-lab';
const CP = 'kcp1';
const WORKER = 'kw1';
const artifact = (name: string) => join(__dirname, '..', 'artifacts', name);

// "Merge into ~/.kube/config" goes where $KUBECONFIG points: a temp file, never this machine's own config.
// Named, not created, at load: Playwright's runner loads this file too, and only the worker cleans up.
const kubeDir = join(tmpdir(), `rackpilot-ui-kube-${process.pid}`);
const KUBECONFIG = join(kubeDir, 'config');
test.use({ serverEnv: { KUBECONFIG } });

let rack: StandInRack | undefined;
test.afterAll(async () => {
  await rack?.stop();
  rmSync(kubeDir, { recursive: true, force: true });
});

/** The rack's nodes in the inventory, reachable over SSH with the server's key and pinned host keys. */
async function addRackNodes(server: RackpilotServer, r: StandInRack): Promise<void> {
  const key = await callApi(server, 'ssh.publicKey', {});
  if (!key) throw new Error('the server has no public key to authorize on the rack');
  r.authorize(key.authorizedKey);
  for (const [i, name] of [CP, WORKER].entries()) {
    const n = r.node(name);
    const node = await callApi(server, 'nodes.create', { name, mac: macFor(0xc700 + i), address: n.address, sshUser: r.user, sshPort: n.port, role: i === 0 ? 'control-plane' : 'worker' });
    await callApi(server, 'nodes.acceptHostKey', { id: node.id, fingerprint: n.hostKey.fingerprint });
  }
}

async function openClusters(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
  await expect(page.getByRole('heading', { name: 'Clusters', level: 1 })).toBeVisible();
}

test('create a cluster from nodes, watch phases, tear down (stand-in kubeadm)', async ({ app: page, server }) => {
  test.skip(requireStandInRack(), `the stand-in rack cannot run here: ${standInRackUnavailable() ?? ''}`);
  test.setTimeout(600_000);
  mkdirSync(kubeDir, { recursive: true });
  rack = await startStandInRack({ tag: 'ui', nodes: [{ name: CP }, { name: WORKER }] });
  await addRackNodes(server, rack);

  await openClusters(page);
  await expect(page.getByRole('heading', { name: 'No clusters yet' })).toBeVisible();

  // Step 1: name, version, CNI, networks. The placeholders show the defaults, which follow the CNI.
  await page.getByRole('button', { name: 'New cluster' }).click();
  const wizard = page.getByRole('dialog', { name: 'New cluster' });
  await expect(wizard.getByRole('heading', { name: 'Step 1 of 3: Name and networks' })).toBeVisible();
  await expect(wizard.getByLabel('Pod network plugin (CNI)')).toHaveValue('flannel');
  await expect(wizard.getByLabel('Pod network', { exact: true })).toHaveAttribute('placeholder', '10.244.0.0/16');
  await expect(wizard.getByLabel('Service network')).toHaveAttribute('placeholder', '10.96.0.0/12');
  await wizard.getByLabel('Pod network plugin (CNI)').selectOption('calico');
  await expect(wizard.getByLabel('Pod network', { exact: true })).toHaveAttribute('placeholder', '192.168.0.0/16');
  await wizard.getByLabel('Pod network plugin (CNI)').selectOption('flannel');
  await wizard.getByLabel('Name', { exact: true }).fill('UI Lab');
  await expect(wizard.getByText(/lower-case letters, digits and inner hyphens, e\.g\. lab-1/)).toBeVisible();
  await wizard.getByLabel('Name', { exact: true }).fill(CLUSTER);
  // Overlapping networks block the next step, with the reason beside the field.
  await wizard.getByLabel('Pod network', { exact: true }).fill('10.96.0.0/16');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByText(/overlaps the pod network 10\.96\.0\.0\/16/)).toBeVisible();
  await expect(wizard.getByRole('heading', { name: 'Step 1 of 3: Name and networks' })).toBeVisible();
  await wizard.getByLabel('Pod network', { exact: true }).fill('');
  await wizard.getByRole('button', { name: 'Next' }).click();

  // Step 2: the inventory's nodes, one part each.
  await expect(wizard.getByRole('heading', { name: 'Step 2 of 3: Nodes' })).toBeVisible();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByText(/Choose at least one control-plane node/)).toBeVisible();
  const partOf = (name: string) => wizard.getByRole('radiogroup', { name: `Part of ${name}` });
  await expect(wizard.getByRole('row').filter({ hasText: CP })).toContainText(rack.node(CP).address);
  await partOf(CP).getByRole('radio', { name: 'Worker' }).check();
  await partOf(CP).getByRole('radio', { name: 'Control plane' }).check();
  await expect(partOf(CP).getByRole('radio', { name: 'Worker' })).not.toBeChecked();
  await partOf(WORKER).getByRole('radio', { name: 'Worker' }).check();
  await expect(wizard.getByText(`${CP} runs kubeadm init`, { exact: false })).toBeVisible();
  await page.screenshot({ path: artifact('clusters-wizard-nodes.png'), fullPage: true });
  await wizard.getByRole('button', { name: 'Next' }).click();

  // Step 3: preflight saves a draft and checks each node over SSH.
  await expect(wizard.getByRole('heading', { name: 'Step 3 of 3: Preflight' })).toBeVisible();
  await expect(wizard.getByRole('button', { name: 'Create cluster' })).toBeDisabled();
  await wizard.getByRole('button', { name: 'Run preflight' }).click();
  const report = wizard.getByTestId('preflight-report');
  await expect(report).toBeVisible({ timeout: 120_000 });
  await expect(report.getByRole('region', { name: `Checks of ${WORKER}` })).toBeVisible();
  // Failures and warnings show first; the passed checks fold away under their count.
  const cpChecks = report.getByRole('region', { name: `Checks of ${CP}` });
  await cpChecks.getByText(/^\d+ checks? passed$/).click();
  await expect(cpChecks.locator('[data-testid="preflight-check"][data-status="pass"]').first()).toBeVisible();
  await page.screenshot({ path: artifact('clusters-preflight.png'), fullPage: true });
  await expect(report).toHaveAttribute('data-ok', 'true');
  await expect(page.getByRole('table', { name: 'Clusters' }).getByRole('row').filter({ hasText: CLUSTER })).toContainText('draft');

  // Create: the bootstrap starts and the cluster opens; its phases go by one at a time.
  await wizard.getByRole('button', { name: 'Create cluster' }).click();
  await expect(wizard).toBeHidden();
  const view = page.getByTestId('cluster-view');
  await expect(view.getByRole('heading', { name: CLUSTER })).toBeVisible();
  expect(new URL(page.url()).hash).toBe(`#/clusters/${CLUSTER}`);
  const phases = view.getByRole('list', { name: `Phases of Bootstrap cluster ${CLUSTER}` });
  await expect(phases.getByRole('listitem').first()).toBeVisible();
  await expect(phases.locator('[data-status="running"]')).toHaveCount(1, { timeout: 60_000 });
  await page.screenshot({ path: artifact('clusters-bootstrap-running.png'), fullPage: true });
  await view.getByRole('button', { name: 'Show log' }).click();
  await expect(view.getByRole('region', { name: `Log of Bootstrap cluster ${CLUSTER}` })).toContainText(/\S/);

  // Ends ready or failed; a failure is reported with what the page says went wrong.
  await expect(view.getByTestId('cluster-view-state')).toHaveText(/^(ready|failed)$/, { timeout: 300_000 });
  if ((await view.getByTestId('cluster-view-state').textContent()) === 'failed') {
    await page.screenshot({ path: artifact('clusters-bootstrap-failed.png'), fullPage: true });
    throw new Error(`the bootstrap failed: ${await view.getByTestId('cluster-job-error').textContent()}`);
  }
  const count = await phases.getByRole('listitem').count();
  expect(count).toBeGreaterThan(5);
  await expect(phases.locator('[data-status="done"], [data-status="skipped"]')).toHaveCount(count);
  await expect(view.getByTestId('cluster-job')).toHaveAttribute('data-state', 'succeeded');

  // Status through the fetched kubeconfig: both nodes Ready (refresh until the stand-in reports them).
  const status = view.getByTestId('cluster-status');
  await expect(async () => {
    await status.getByRole('button', { name: 'Refresh status' }).click();
    await expect(status.getByTestId('cluster-ready-count')).toHaveText('2 of 2 nodes Ready', { timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  const nodesTable = status.getByRole('table', { name: 'Cluster nodes' });
  await expect(nodesTable.getByRole('row').filter({ hasText: CP })).toContainText('control-plane');
  await expect(nodesTable.getByRole('row').filter({ hasText: WORKER })).toContainText('Ready');
  await expect(status.getByTestId('cluster-cert-expiry')).toContainText('Certificates expire');
  await page.screenshot({ path: artifact('clusters-ready.png'), fullPage: true });

  // Kubeconfig: a download named after the cluster, and a merge into $KUBECONFIG (backup first).
  const [download] = await Promise.all([page.waitForEvent('download'), view.getByRole('button', { name: 'Download kubeconfig' }).click()]);
  expect(download.suggestedFilename()).toBe(`${CLUSTER}.kubeconfig`);
  const downloaded = readFileSync(await download.path(), 'utf8');
  expect(downloaded).toContain(`server: https://${rack.node(CP).address}:6443`);
  expect(downloaded).toContain(`current-context: ${CLUSTER}`);
  await view.getByRole('button', { name: 'Merge into ~/.kube/config' }).click();
  const merged = view.getByTestId('kubeconfig-merged');
  await expect(merged).toContainText(KUBECONFIG);
  await expect(merged).toContainText(`kubectl config use-context ${CLUSTER}`);
  expect(existsSync(KUBECONFIG)).toBe(true);
  expect(readFileSync(KUBECONFIG, 'utf8')).toContain(`name: ${CLUSTER}`);

  // Teardown: the plan lists the nodes (workers first), what is lost and where the backup goes.
  await view.getByRole('button', { name: 'Teardown' }).click();
  const dialog = page.getByRole('dialog', { name: `Tear down ${CLUSTER}?` });
  const order = dialog.getByRole('list', { name: 'Nodes to reset' }).getByRole('listitem');
  await expect(order).toHaveCount(2, { timeout: 60_000 });
  await expect(order.nth(0)).toContainText(WORKER);
  await expect(order.nth(1)).toContainText(CP);
  await expect(dialog.getByRole('heading', { name: 'What will be lost' })).toBeVisible();
  await expect(dialog.getByText(/The backup \(etcd snapshot, certificates and kubeconfig\) goes to/)).toBeVisible();
  await expect(dialog.getByRole('radio', { name: /^Full teardown/ })).toBeChecked();
  const tearDown = dialog.getByRole('button', { name: 'Tear down' });
  await expect(tearDown).toBeDisabled();
  await dialog.getByLabel(`Type ${CLUSTER} to confirm`).fill(CLUSTER);
  await page.screenshot({ path: artifact('clusters-teardown-dialog.png'), fullPage: true });
  await tearDown.click();
  await expect(dialog).toBeHidden();

  const teardownJob = view.getByRole('region', { name: `Tear down cluster ${CLUSTER}` });
  await expect(teardownJob.getByRole('list', { name: `Phases of Tear down cluster ${CLUSTER}` })).toBeVisible();
  await expect(view.getByTestId('cluster-view-state')).toHaveText(/^(torn down|failed)$/, { timeout: 300_000 });
  if ((await view.getByTestId('cluster-view-state').textContent()) === 'failed') {
    await page.screenshot({ path: artifact('clusters-teardown-failed.png'), fullPage: true });
    throw new Error(`the teardown failed: ${await teardownJob.getByTestId('cluster-job-error').textContent()}`);
  }
  const wipe = view.getByTestId('wipe-report');
  await expect(wipe).toHaveAttribute('data-clean', 'true');
  await expect(wipe.getByTestId('wipe-node')).toHaveCount(2);
  await expect(wipe.getByTestId('wipe-node').filter({ hasText: CP })).toContainText('clean');
  await expect(view.getByRole('region', { name: 'Backups' })).toBeVisible();
  await page.screenshot({ path: artifact('clusters-torn-down.png'), fullPage: true });

  // A torn-down cluster can be forgotten (its backups stay on disk).
  await view.getByRole('button', { name: 'Remove' }).click();
  const remove = page.getByRole('dialog', { name: `Remove ${CLUSTER} from Rackpilot?` });
  await remove.getByLabel(`Type ${CLUSTER} to confirm`).fill(CLUSTER);
  await remove.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('heading', { name: 'No clusters yet' })).toBeVisible();
});
