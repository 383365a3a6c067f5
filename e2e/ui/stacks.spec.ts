/**
 * The Stacks page against a real server and this computer's real Docker Engine (issue 6: "create
 * from template, see plan, deploy, read logs"). No public image can be pulled here, so the stack
 * is created from the Static site template (its dialog asks the port) and its compose file is
 * then edited to run the local test image, which a real pull fetches from a local registry.
 */
import type { Page } from '@playwright/test';
import { join } from 'node:path';
import { checkComposeSpec } from '../../electron/core/testing/compose-schema';
import { docker, dockerUnavailable, requireDocker, testImages, type TestImages } from '../../electron/core/testing/docker';
import { freePort } from '../../electron/core/testing/sshd';
import { callApi, expect, test, type RackpilotServer } from '../fixtures';

const STACK = `rpt-ui-${process.pid}`;
/** A radio's name is its title followed by its description. */
const startsWith = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
const GREETING = `rackpilot-ui says hello from ${STACK}`;

const artifact = (name: string) => join(__dirname, '..', 'artifacts', name);

let images: TestImages | undefined;
test.afterAll(() => images?.registry.stop());

function skipWithoutDocker(): void {
  // Skips with the reason locally; under CI, which installs and starts Docker, it throws.
  test.skip(requireDocker(), `Docker is not usable here: ${dockerUnavailable() ?? ''}`);
}

async function openStacks(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stacks' }).click();
  await expect(page.getByRole('heading', { name: 'Stacks', level: 1 })).toBeVisible();
}

/** Replaces the whole text of a CodeMirror editor, as a user pasting a file would. */
async function replaceEditorText(page: Page, label: string, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: label, exact: true });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

/** Takes the stack down and forgets it whatever the test reached, so no container outlives the spec. */
async function cleanUp(server: RackpilotServer): Promise<void> {
  await callApi(server, 'stacks.down', { nodeId: 'local', name: STACK, removeVolumes: true, confirmName: STACK }).catch(() => undefined);
  // The down job runs in the server; wait for the containers to go (the server is stopped right after).
  for (let i = 0; i < 100; i++) {
    if (!docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${STACK}`])) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const id of docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${STACK}`]).split('\n').filter(Boolean)) docker(['rm', '-f', id]);
  for (const id of docker(['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${STACK}`]).split('\n').filter(Boolean)) docker(['network', 'rm', id]);
  const volumes = new Set([...docker(['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${STACK}`]).split('\n'), ...docker(['volume', 'ls', '-q', '--filter', `name=${STACK}_`]).split('\n')]);
  for (const id of [...volumes].filter(Boolean)) docker(['volume', 'rm', id]);
}

test('the New stack dialog offers a blank file and the five templates', async ({ app: page, server }) => {
  await openStacks(page);
  await page.getByRole('button', { name: 'New stack' }).click();
  const dialog = page.getByRole('dialog', { name: 'New stack on This computer' });
  await expect(dialog).toBeVisible();
  const templates = await callApi(server, 'stacks.templates', {});
  expect(templates).toHaveLength(5);
  const choices = dialog.getByRole('group', { name: 'Start from' }).getByRole('radio');
  await expect(choices).toHaveCount(6);
  await expect(dialog.getByRole('radio', { name: /^Blank/ })).toBeChecked();
  for (const t of templates) await expect(dialog.getByRole('radio', { name: startsWith(t.title) })).toBeVisible();

  // A template's variables become fields; secret ones are masked.
  const withSecret = templates.find((t) => t.variables.some((v) => v.secret));
  if (withSecret) {
    await dialog.getByRole('radio', { name: startsWith(withSecret.title) }).check();
    const secret = withSecret.variables.find((v) => v.secret);
    await expect(dialog.getByLabel(startsWith(secret?.label ?? ''))).toHaveAttribute('type', 'password');
  }
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
});

test('creates a stack from a template, plans it, deploys it and reads its logs', async ({ app: page, server }) => {
  skipWithoutDocker();
  test.setTimeout(240_000);
  images = await testImages();
  const port = await freePort();
  const compose = [
    'services:',
    '  web:',
    `    image: ${images.web}`,
    `    command: ["sh", "-c", "echo ${GREETING}; exec httpd -f -v -p 80 -h /www"]`,
    '    ports:',
    '      - "127.0.0.1:${HTTP_PORT}:80"',
    '    volumes:',
    '      - site:/www/site:ro',
    '',
    'volumes:',
    '  site:',
    '',
  ].join('\n');
  expect(checkComposeSpec(compose).errors).toEqual([]);

  try {
    await openStacks(page);
    await expect(page.getByLabel('Target')).toHaveValue('local');

    // Create from the Static site template: its dialog asks the port.
    await page.getByRole('button', { name: 'New stack' }).click();
    const dialog = page.getByRole('dialog', { name: 'New stack on This computer' });
    await dialog.getByRole('radio', { name: startsWith('Static site') }).check();
    await dialog.getByLabel('Name', { exact: true }).fill(STACK);
    await dialog.getByLabel(/^HTTP port/).fill(String(port));
    await dialog.getByRole('button', { name: 'Create stack' }).click();
    await expect(dialog).toBeHidden();

    const view = page.getByTestId('stack-view');
    await expect(view.getByRole('heading', { name: STACK })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Stacks' }).getByRole('link', { name: STACK })).toBeVisible();
    await expect(view.getByTestId('stack-view-state')).toHaveText('not deployed');

    // The template's file, in the editor; its port went to the .env.
    await expect(view.getByRole('textbox', { name: 'compose.yaml', exact: true })).toContainText('nginx:${NGINX_VERSION}');
    await expect(view.getByRole('textbox', { name: '.env', exact: true })).toContainText(`HTTP_PORT=${port}`);

    // Run the local test image instead of nginx; the markers follow the text.
    await replaceEditorText(page, 'compose.yaml', 'services:\n  web:\n    image: x\n    bogus_key: 1\n');
    await expect(view.getByTestId('stack-issue-count')).toContainText('error');
    await expect(view.getByRole('region', { name: 'Problems' })).toContainText('bogus_key');
    await expect(view.locator('.cm-lintRange-error').first()).toBeVisible();
    await replaceEditorText(page, 'compose.yaml', compose);
    await expect(view.getByTestId('stack-issue-count')).toHaveText('No problems found.');

    // An override file: its own editor with its own markers; renamed, it is merged over compose.yaml.
    await view.getByRole('button', { name: 'Add override file' }).click();
    await expect(view.getByRole('textbox', { name: 'compose.override.yaml', exact: true })).toContainText('services:');
    await replaceEditorText(page, 'compose.override.yaml', 'services:\n  web:\n    bogus_override: 1\n');
    await expect(view.getByRole('region', { name: 'Problems' })).toContainText('compose.override.yaml:3');
    await expect(view.getByTestId('editor-compose.override.yaml').locator('.cm-lintRange-error')).toBeVisible();
    await page.screenshot({ path: artifact('stacks-override.png'), fullPage: true });
    await view.getByRole('textbox', { name: 'Name of override file 1' }).fill('compose.ui.yaml');
    await replaceEditorText(page, 'compose.ui.yaml', 'services:\n  web:\n    environment:\n      FROM_OVERRIDE: "yes"\n');
    await expect(view.getByTestId('stack-issue-count')).toHaveText('No problems found.');
    await view.getByRole('button', { name: 'Save' }).click();
    await expect(view.getByText(/^Saved/)).toBeVisible();

    // The plan: one container to create, the image to pull.
    await view.getByRole('tab', { name: 'Plan' }).click();
    const plan = view.getByRole('table', { name: 'Planned changes' });
    await expect(plan.getByRole('row').filter({ hasText: 'web' })).toContainText('create');
    await expect(view.getByTestId('plan-action')).toHaveCount(1);
    await expect(view.getByTestId('plan-action')).toHaveAttribute('data-action', 'create');
    await expect(view.getByTestId('stack-plan')).toContainText(images.web);

    // Deploy the plan shown (its hash goes with the request): the job pulls the image with a progress bar, then succeeds.
    await expect(view.getByTestId('plan-hash')).toHaveText(/^[0-9a-f]{12}$/);
    await view.getByRole('button', { name: 'Deploy', exact: true }).click();
    const job = view.getByTestId('stack-job');
    await expect(job).toHaveAttribute('data-state', 'succeeded', { timeout: 120_000 });
    await expect(job.getByRole('progressbar', { name: `Pull of ${images.web}` })).toBeVisible();
    await expect(job.getByTestId('image-pull')).toHaveAttribute('data-done', 'true');
    await expect(job.getByRole('region', { name: /^Log of / })).not.toHaveText('No log lines yet.');
    await expect(view.getByTestId('stack-view-state')).toHaveText('running');
    expect(docker(['inspect', '--format', '{{json .Config.Env}}', `${STACK}-web-1`])).toContain('FROM_OVERRIDE=yes');
    await page.screenshot({ path: artifact('stacks-deployed.png'), fullPage: true });

    // Services: running, with its port as a link that opens in a new tab.
    await view.getByRole('tab', { name: 'Services' }).click();
    const row = view.getByRole('table', { name: 'Services' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'web' }) });
    await expect(row.getByTestId('service-state')).toHaveText('running');
    const link = row.getByRole('link', { name: `${port}→80` });
    await expect(link).toHaveAttribute('target', '_blank');
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^http://[^/]+:${port}/?$`));
    const served = await page.request.get(`http://127.0.0.1:${port}/`);
    expect(served.status()).toBe(200);

    // Logs: the line the container printed, found with the search box.
    await view.getByRole('tab', { name: 'Logs' }).click();
    const logs = view.getByRole('log', { name: `Logs of ${STACK}` });
    await expect(logs).toContainText(GREETING);
    await view.getByRole('searchbox', { name: 'Search the logs' }).fill('says hello');
    await expect(logs.locator('mark').first()).toHaveText('says hello');
    await expect(view.getByTestId('stack-logs-status')).toHaveAttribute('data-status', 'following');
    await page.screenshot({ path: artifact('stacks-logs.png'), fullPage: true });

    // Down, confirmed; the volume stays unless asked.
    await view.getByRole('button', { name: 'Down', exact: true }).click();
    const down = page.getByRole('dialog', { name: `Take ${STACK} down?` });
    await down.getByRole('button', { name: 'Down', exact: true }).click();
    await expect(down).toBeHidden();
    await expect(view.getByTestId('stack-job').first()).toHaveAttribute('data-state', 'succeeded', { timeout: 60_000 });
    await expect(view.getByTestId('stack-view-state')).toHaveText(/not deployed|stopped/);
    expect(docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${STACK}`])).toBe('');
    expect(docker(['volume', 'inspect', '--format', '{{.Name}}', `${STACK}_site`])).toBe(`${STACK}_site`);
  } finally {
    await cleanUp(server);
  }
});
