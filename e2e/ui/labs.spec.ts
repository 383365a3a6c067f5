/**
 * The Labs page against a real server (issue 8: "open a lab, run a check, see the evidence"). The
 * test writes a lab of its own into the server's user-labs folder — the way a learner or
 * contributor adds one — plus a broken one, and runs the lab on a node backed by a real OpenSSH
 * sshd (this host) and a throwaway user. The learner's work is typed into the lab's own terminal;
 * the checks run over SSH against that user's real files.
 */
import type { Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../../electron/core/testing/sshd';
import type { Node } from '../../shared/domain/node';
import { callApi, expect, macFor, test, type RackpilotServer } from '../fixtures';

const artifact = (name: string) => join(__dirname, '..', 'artifacts', name);
const LAB = 'ui-proof';
const TITLE = 'Leave a proof on the node';
const NODE = 'lab-web';

let sshd: TestSshd;
let learner: TestUser;
test.beforeAll(async () => {
  sshd = await startSshd();
  learner = createTestUser('none');
});
test.afterAll(async () => {
  await sshd?.stop();
  learner?.remove();
});

/** One lab folder under the server's user-labs dir: lab.yaml and its step files. */
function writeLab(server: RackpilotServer, id: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    const path = join(server.dataDir, 'user-labs', id, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
}

function writeLabs(server: RackpilotServer, proofPath: string): void {
  writeLab(server, LAB, {
    'lab.yaml': [
      `id: ${LAB}`,
      `title: ${TITLE}`,
      'summary: A short lab of the UI test — put a file on the node, then read it back.',
      'order: 900',
      'estimatedMinutes: 5',
      'nodes:',
      '  - role: web',
      '    description: Any node you can reach over SSH.',
      'steps:',
      '  - steps/01-proof.md',
      '  - steps/02-read.md',
      '',
    ].join('\n'),
    'steps/01-proof.md': [
      '---',
      'title: Write the proof file',
      'checks:',
      '  - id: proof',
      '    title: The proof file holds the greeting',
      '    kind: file',
      '    node: web',
      `    path: ${proofPath}`,
      '    contentMatches: Hello from {{nodes.web.name}}',
      '    hint: Write the greeting into the file from your terminal (echo … > file), then check again.',
      '---',
      `On **{{nodes.web.name}}** ({{nodes.web.address}}), write \`Hello from {{nodes.web.name}}\` into \`${proofPath}\`.`,
      '',
      '## Solution',
      '```sh',
      `echo "Hello from {{nodes.web.name}}" > ${proofPath}`,
      '```',
      '',
    ].join('\n'),
    'steps/02-read.md': [
      '---',
      'title: Read it back',
      'checks:',
      '  - id: read',
      '    title: cat prints the greeting',
      '    kind: command',
      '    node: web',
      `    run: cat ${proofPath}`,
      '    stdoutMatches: ^Hello',
      '    hint: Did the file from step 1 go away?',
      '---',
      'Print the file with `cat`.',
      '',
    ].join('\n'),
  });
  // A contributor's lab with a mistake: it is listed with where the problem is, not skipped.
  writeLab(server, 'broken-one', {
    'lab.yaml': ['id: broken-one', 'title: A broken lab', 'summary: This lab names a check kind that does not exist.', 'order: 901', 'estimatedMinutes: 5', 'nodes: []', 'steps:', '  - steps/01-bad.md', ''].join(
      '\n',
    ),
    'steps/01-bad.md': ['---', 'title: Read minds', 'checks:', '  - id: mind', '    title: The node reads your mind', '    kind: telepathy', '    hint: Think harder.', '---', 'Think.', ''].join('\n'),
  });
}

/** The learner's node: this host's sshd as a throwaway user, the app's key authorised, host key pinned. */
async function addNode(server: RackpilotServer): Promise<Node> {
  const key = await callApi(server, 'ssh.publicKey', {});
  sshd.authorize(learner.name, key!.authorizedKey);
  const node = await callApi(server, 'nodes.create', { name: NODE, mac: macFor(0x1a80), address: '127.0.0.1', sshPort: sshd.port, sshUser: learner.name, role: 'worker' });
  return callApi(server, 'nodes.acceptHostKey', { id: node.id, fingerprint: sshd.hostKey.fingerprint });
}

async function openLabs(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Labs' }).click();
  await expect(page.getByRole('heading', { name: 'Labs', level: 1 })).toBeVisible();
}

test('open a lab, start it on a node, check the work, see the evidence and the solution', async ({ server, app: page }) => {
  test.setTimeout(120_000);
  const proofPath = `/home/${learner.name}/proof.txt`;
  writeLabs(server, proofPath);
  const node = await addNode(server);

  // The catalog: the lab with its progress, and the broken one with file:line and what is wrong.
  await openLabs(page);
  const card = page.getByRole('listitem', { name: TITLE });
  await expect(card).toContainText('Needs 1 node: web.');
  await expect(card.getByTestId('lab-progress')).toHaveText('Not started');
  const broken = page.getByTestId('broken-lab').filter({ hasText: 'broken-one' });
  await expect(broken.getByRole('list', { name: 'Problems in broken-one' })).toContainText(/steps\/01-bad\.md:\d+(:\d+)? .*telepathy/);
  await page.screenshot({ path: artifact('labs-catalog.png'), fullPage: true });

  // The registry lab nodes' Docker pulls through: a bad address is refused in place, a good one saved.
  const registry = page.getByRole('region', { name: 'Registry for lab nodes' });
  await registry.getByLabel('Docker registry (host:port)').fill('not a registry!');
  await registry.getByRole('button', { name: 'Save registry' }).click();
  await expect(registry).toContainText('A registry is host or host:port');
  await registry.getByLabel('Docker registry (host:port)').fill('127.0.0.1:5000');
  await registry.getByRole('button', { name: 'Save registry' }).click();
  await expect(registry.getByRole('button', { name: 'Save registry' })).toBeDisabled();
  expect((await callApi(server, 'settings.get', {})).labRegistry).toBe('127.0.0.1:5000');
  await callApi(server, 'settings.update', { labRegistry: '' });

  // Open it: what it needs, then start it on the node.
  await card.getByRole('link', { name: `Open ${TITLE}` }).click();
  await expect(page.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();
  expect(new URL(page.url()).hash).toBe(`#/labs/${LAB}`);
  await expect(page.getByRole('list', { name: 'Steps of the lab' })).toContainText('Write the proof file');
  await page.getByRole('button', { name: 'Start this lab' }).click();
  const start = page.getByRole('dialog', { name: `Start ${TITLE}` });
  await start.getByRole('button', { name: 'Start lab' }).click();
  await expect(start.getByText('Pick a node for web.')).toBeVisible();
  await start.getByLabel('Node for web').selectOption(node.id);
  await start.getByRole('button', { name: 'Start lab' }).click();
  await expect(start).toBeHidden();

  // Step 1, with the run's node filled into its text; nothing checked yet.
  await expect(page.getByRole('heading', { name: 'Step 1 of 2: Write the proof file' })).toBeVisible();
  await expect(page.locator('.lab-step-text')).toContainText(`write Hello from ${NODE} into ${proofPath}`);
  const steps = page.getByRole('navigation', { name: 'Steps' });
  await expect(steps.getByRole('button', { name: /Step 1: Write the proof file/ })).toHaveAttribute('aria-current', 'step');
  const checks = page.getByTestId('lab-checks');
  const proof = checks.getByRole('listitem', { name: 'The proof file holds the greeting' });
  await expect(proof).toHaveAttribute('data-status', 'pending');

  // Check my work before doing it: the check fails, saying what it ran, what it saw, and the hint.
  await checks.getByRole('button', { name: 'Check my work' }).click();
  await expect(proof).toHaveAttribute('data-status', 'fail', { timeout: 30_000 });
  await expect(proof.getByTestId('check-ran')).toContainText(proofPath);
  await expect(proof.getByTestId('check-saw')).not.toBeEmpty();
  await expect(proof.getByTestId('check-hint')).toContainText('Write the greeting into the file from your terminal');
  await expect(checks).toContainText('0 of 1 checks pass.');
  await page.screenshot({ path: artifact('labs-check-failed.png'), fullPage: true });

  // Work with the auto-check on: do the step as a learner would, in the lab's terminal on the
  // node, and the next automatic check (every 15 s) sees it — no button pressed.
  await checks.getByLabel('Check automatically every 15 s').check();
  await page.getByRole('button', { name: `Open a terminal to ${NODE}` }).click();
  await expect(page.getByTestId('terminal-status')).toHaveText('Connected', { timeout: 20_000 });
  await expect(proof).toHaveAttribute('data-status', 'fail');
  await page.locator('.lab-terminal .xterm').click();
  await page.keyboard.type(`echo "Hello from ${NODE}" > ${proofPath}; echo wrote-$((40+2))`);
  await page.keyboard.press('Enter');
  await expect(page.locator('.lab-terminal .xterm-rows')).toContainText('wrote-42');

  // It passes: the step is done and the lab moves on to step 2.
  await expect(proof).toHaveAttribute('data-status', 'pass', { timeout: 40_000 });
  await expect(proof.getByTestId('check-hint')).toHaveCount(0);
  await expect(checks.getByTestId('lab-step-done')).toHaveText('Step done. Next: Read it back.');
  await expect(checks.getByLabel('Check automatically every 15 s')).toBeHidden();
  await expect(steps.getByRole('listitem').nth(0)).toHaveAttribute('data-mark', 'done');
  await expect(steps.getByRole('listitem').nth(1)).toHaveAttribute('data-mark', 'current');
  await expect(page.getByTestId('lab-view-progress')).toHaveText('Step 2 of 2 · 1 done');

  // The solution, only after saying so; placeholders filled.
  await page.getByRole('button', { name: 'Show solution' }).click();
  const ask = page.getByRole('dialog', { name: 'Show the solution?' });
  await expect(ask).toContainText('noted in your progress');
  await ask.getByRole('button', { name: 'Show solution' }).click();
  const solution = page.getByRole('region', { name: 'Solution' });
  await expect(solution.locator('pre')).toHaveText(`echo "Hello from ${NODE}" > ${proofPath}`);
  await page.screenshot({ path: artifact('labs-check-passed.png'), fullPage: true });

  // On to step 2 (the terminal stays open while moving between steps); Check my work completes the lab.
  await checks.getByRole('button', { name: 'Go to step 2' }).click();
  await expect(page.getByRole('heading', { name: 'Step 2 of 2: Read it back' })).toBeVisible();
  await expect(page.getByTestId('terminal-status')).toHaveText('Connected');
  const read = checks.getByRole('listitem', { name: 'cat prints the greeting' });
  await checks.getByRole('button', { name: 'Check my work' }).click();
  await expect(read).toHaveAttribute('data-status', 'pass', { timeout: 30_000 });
  await expect(read.getByTestId('check-saw')).toContainText(`Hello from ${NODE}`);
  await expect(checks.getByTestId('lab-step-done')).toHaveText('Lab complete: every step passed. Well done!');
  await expect(page.getByTestId('lab-view-progress')).toHaveText('Completed');

  // Reset asks for the lab id and says the node is left as it is; progress starts over.
  await page.getByRole('button', { name: 'Reset lab' }).click();
  const reset = page.getByRole('dialog', { name: `Reset ${TITLE}?` });
  await expect(reset).toContainText(`The nodes are left as they are: ${NODE}`);
  await reset.getByLabel(`Type ${LAB} to confirm`).fill('ui-proo');
  await expect(reset.getByRole('button', { name: 'Reset lab' })).toBeDisabled();
  await reset.getByLabel(`Type ${LAB} to confirm`).fill(LAB);
  await reset.getByRole('button', { name: 'Reset lab' }).click();
  await expect(reset).toBeHidden();
  await expect(page.getByTestId('lab-view-progress')).toHaveText('Step 1 of 2 · 0 done', { timeout: 30_000 });

  // The catalog shows the progress too.
  await page.getByRole('button', { name: 'All labs' }).click();
  await expect(page.getByRole('listitem', { name: TITLE }).getByTestId('lab-progress')).toHaveText('Step 1 of 2 · 0 done');
});

