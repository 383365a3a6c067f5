/**
 * Checks that reach a node over SSH, against a real OpenSSH sshd on loopback with a throwaway
 * sudo user as the learner's node, and a real HTTP server on loopback as what the learner
 * serves: command, file, port (from this computer and from the node), http (from this computer
 * with fetch, from the node with curl), rebooted (the kernel's boot id), node-state, and a node
 * that cannot be reached.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../../../../shared/domain/node';
import { createLogger } from '../../log';
import { createSshService, type SshService } from '../../ssh/ssh-service';
import { createTestUser, freePort, startSshd, type TestSshd, type TestUser } from '../../testing/sshd';
import { tempDir } from '../../testing/temp-app';
import { readBootIds } from './boot-ids';
import type { CheckDeps, CheckTarget } from './check-deps';
import { expectError, expectFail, expectPass, HINT, inventoryNode, labCheck } from './checks.fixture';
import { runCheck } from './run-check';

let ssh: SshService;
let sshd: TestSshd;
let user: TestUser;
let web: Server;
let webPort: number;
let closedPort: number;
let node: Node;
let down: Node;
let rootDir: string;

const deps = (): CheckDeps => ({
  ssh,
  docker: () => Promise.reject(new Error('no Docker in these tests')),
  clusterStatus: () => Promise.reject(new Error('no cluster in these tests')),
  kubeconfig: () => {
    throw new Error('no cluster in these tests');
  },
});
const target = (extra: Partial<CheckTarget> = {}): CheckTarget => ({ nodes: { web: node, down }, reachedAt: new Date().toISOString(), bootIds: {}, ...extra });
const check = (fields: Record<string, unknown>, t: CheckTarget = target()) => runCheck(labCheck(fields), t, deps());

beforeAll(async () => {
  ssh = createSshService({ dataDir: tempDir(), log: createLogger('error'), readyTimeoutMs: 10_000 });
  user = createTestUser('nopasswd');
  sshd = await startSshd({ authorizedKeys: { [user.name]: [ssh.publicKey!.authorizedKey] } });
  node = inventoryNode({ id: 'web1', address: '127.0.0.1', port: sshd.port, user: user.name, hostKeys: [sshd.hostKey], state: 'installed' });
  closedPort = await freePort();
  down = inventoryNode({ id: 'gone', address: '127.0.0.1', port: closedPort, user: user.name, hostKeys: [sshd.hostKey] });
  web = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Hello from the web node</h1>\n');
    else res.writeHead(404).end('not here\n');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webPort = (web.address() as { port: number }).port;
  // A root-only file, as /etc/nginx/… would be on a node.
  rootDir = tempDir('rackpilot-labcheck-');
  chmodSync(rootDir, 0o755);
  mkdirSync(join(rootDir, 'etc'));
  writeFileSync(join(rootDir, 'etc', 'secret.conf'), 'listen 8443 ssl;\n', { mode: 0o600 });
});

/** Pids still matching `pattern` after up to 5 s (the node is this machine: its sshd runs here). */
async function processesLeft(pattern: string): Promise<string> {
  let left = '';
  for (let i = 0; i < 50; i++) {
    left = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.trim();
    if (!left) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  return left;
}

afterAll(async () => {
  await new Promise((r) => web?.close(r));
  await ssh?.close();
  await sshd?.stop();
  user?.remove();
});

describe('command', () => {
  it('passes on the expected exit code and output, saying what it ran and saw', async () => {
    const r = await check({ kind: 'command', node: 'web', run: 'uname -s; id -un', stdoutMatches: '^Linux$' });
    expectPass(r, /^Exit code 0\.\nOutput:\nLinux\n/);
    expect(r.ran).toBe('`uname -s; id -un` on web1');
    expect(r.saw).toContain(user.name);
  });

  it('fails on another exit code or output, with the lab hint and the evidence', async () => {
    const r = await check({ kind: 'command', node: 'web', run: 'echo nope >&2; exit 3' });
    expectFail(r, /^Exit code 3 \(expected 0\)\.\nErrors:\nnope$/);
    const out = await check({ kind: 'command', node: 'web', run: 'echo degraded', stdoutMatches: 'running', stdoutNotMatches: 'degraded' });
    expectFail(out, /^Its output does not match \/running\/; its output matches \/degraded\/, which it should not\.\nOutput:\ndegraded$/);
  });

  it('runs with sudo when asked', async () => {
    expectPass(await check({ kind: 'command', node: 'web', run: 'id -u', sudo: true, stdoutMatches: '^0$' }));
    expectFail(await check({ kind: 'command', node: 'web', run: 'id -u', stdoutMatches: '^0$' }), /does not match/);
  });

  it('fails a command that outlives its timeout and stops it on the node', async () => {
    const sleep = `sleep 31.${process.pid}`;
    const r = await check({ kind: 'command', node: 'web', run: sleep, timeoutSeconds: 1 });
    expectFail(r, /^Still running after 1 s: stopped it \(its processes on the node were killed\)\.$/);
    expect(await processesLeft(sleep)).toBe('');
  });
});

describe('file', () => {
  it('passes when the file exists and matches, quoting the match', async () => {
    await ssh.run({ nodeId: 'web1', name: 'web1', address: '127.0.0.1', port: sshd.port, user: user.name, hostKeys: [sshd.hostKey] }, "printf 'server {\\n  listen 8080;\\n}\\n' > \"$HOME/my site.conf\"");
    const path = `/home/${user.name}/my site.conf`;
    expectPass(await check({ kind: 'file', node: 'web', path, contentMatches: '^\\s*listen 8080;$' }), /contains "listen 8080;"\.$/);
    expectPass(await check({ kind: 'file', node: 'web', path }), /exists/);
  });

  it('fails on a missing file, a directory, or content that does not match (showing it)', async () => {
    expectFail(await check({ kind: 'file', node: 'web', path: `/home/${user.name}/nope.conf` }), /^There is no file \/home\/.*\/nope\.conf on web1\.$/);
    expectFail(await check({ kind: 'file', node: 'web', path: '/tmp' }), /exists but is not a regular file/);
    expectFail(await check({ kind: 'file', node: 'web', path: `/home/${user.name}/my site.conf`, contentMatches: 'listen 80;' }), /does not match \/listen 80;\/\. It reads:\nserver \{\n {2}listen 8080;\n\}$/);
  });

  it('reads a root-only file with sudo, and fails without it', async () => {
    const path = join(rootDir, 'etc', 'secret.conf');
    expectFail(await check({ kind: 'file', node: 'web', path, contentMatches: 'listen 8443' }), /may not read it: .*Permission denied/);
    expectPass(await check({ kind: 'file', node: 'web', path, sudo: true, contentMatches: 'listen 8443' }), /contains "listen 8443"/);
  });
});

describe('port', () => {
  it('from this computer: open when something listens, refused when nothing does', async () => {
    const open = await check({ kind: 'port', from: 'host', to: 'web', port: webPort });
    expectPass(open, new RegExp(`^Port ${webPort} on web1 accepted the connection\\.$`));
    expect(open.ran).toBe(`connect to web1 (127.0.0.1) port ${webPort} from this computer`);
    expectFail(await check({ kind: 'port', from: 'host', to: 'web', port: closedPort }), /did not accept the connection: connection refused/);
    expectPass(await check({ kind: 'port', from: 'host', to: 'web', port: closedPort, open: false }), /did not accept/);
  });

  it('from a node: bash /dev/tcp on that node', async () => {
    const open = await check({ kind: 'port', from: 'web', to: 'web', port: webPort });
    expectPass(open);
    expect(open.ran).toBe(`connect to web1 (127.0.0.1) port ${webPort} from web1`);
    expectFail(await check({ kind: 'port', from: 'web', to: 'web', port: closedPort }), /connection refused \(nothing listens there\)/);
    expectFail(await check({ kind: 'port', from: 'web', to: 'web', port: webPort, open: false }), /accepted the connection/);
  });
});

describe('http', () => {
  it('from this computer: status and page', async () => {
    const url = `http://127.0.0.1:${webPort}/`;
    const r = await check({ kind: 'http', from: 'host', url, bodyMatches: 'Hello from' });
    expectPass(r, /^HTTP 200 OK\.\nPage:\n<h1>Hello from the web node<\/h1>$/);
    expect(r.ran).toBe(`GET ${url} from this computer`);
    expectFail(await check({ kind: 'http', from: 'host', url: `${url}missing` }), /^HTTP 404 Not Found \(expected HTTP 200\)\.\nPage:\nnot here$/);
    expectFail(await check({ kind: 'http', from: 'host', url, bodyMatches: 'Goodbye' }), /the page does not match \/Goodbye\//);
    expectFail(await check({ kind: 'http', from: 'host', url: `http://127.0.0.1:${closedPort}/` }), /^Connection refused: nothing listens/);
  });

  it('is an error, not a fail, when the URL is not one (a role without a node, a broken lab)', async () => {
    expectError(await check({ kind: 'http', from: 'host', url: 'http://‹db›:8000/' }), /refers to the role "db", which has no node/, /picking a node for every role/);
    expectError(await check({ kind: 'http', from: 'host', url: 'http://exa mple/' }), /http:\/\/exa mple\/ is not a URL Rackpilot can request/, /tell its author/);
  });

  it('from a node: curl on the node, status and page', async () => {
    const url = `http://127.0.0.1:${webPort}/`;
    const r = await check({ kind: 'http', from: 'web', url, bodyMatches: 'Hello from' });
    expectPass(r, /^HTTP 200\.\nPage:\n<h1>Hello from the web node<\/h1>$/);
    expect(r.ran).toBe(`curl ${url} on web1`);
    expectFail(await check({ kind: 'http', from: 'web', url: `${url}missing`, status: 200 }), /^HTTP 404 \(expected HTTP 200\)/);
    expectPass(await check({ kind: 'http', from: 'web', url: `${url}missing`, status: 404 }));
    expectFail(await check({ kind: 'http', from: 'web', url: `http://127.0.0.1:${closedPort}/` }), /^No HTTP answer: curl: \(7\) Failed to connect/);
  });
});

describe('rebooted and node-state', () => {
  it('reads boot ids of the nodes that answer, leaving out the unreachable one', async () => {
    const ids = await readBootIds(ssh, { web: node, down });
    expect(Object.keys(ids)).toEqual(['web']);
    expect(ids.web).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fails while the boot id is the one recorded at the step, passes once it differs', async () => {
    const { web: now } = await readBootIds(ssh, { web: node });
    expectFail(await check({ kind: 'rebooted', node: 'web' }, target({ bootIds: { web: now! } })), /has the same boot id as when you reached this step/);
    // This machine cannot reboot under the test: the step was reached during an earlier boot.
    const earlier = '00000000-1111-2222-3333-444444444444';
    expectPass(await check({ kind: 'rebooted', node: 'web' }, target({ bootIds: { web: earlier } })), /^web1 booted again: boot id [0-9a-f]{8}… \(was 00000000…\)\.$/);
    expectError(await check({ kind: 'rebooted', node: 'web' }, target({ bootIds: {} })), /did not record the boot id of web1/, /come back to this one while the node is up/);
  });

  it('node-state compares the inventory state', async () => {
    expectPass(await check({ kind: 'node-state', node: 'web', state: ['installed', 'provisioning'] }), /^web1 is installed\.$/);
    expectFail(await check({ kind: 'node-state', node: 'web', state: ['ready'] }), /^web1 is installed \(expected ready\)\.$/);
  });
});

describe('a node that cannot be reached, or no node at all', () => {
  it('is an error with the lab hint and what to do — for every SSH kind', async () => {
    for (const fields of [
      { kind: 'command', node: 'down', run: 'true' },
      { kind: 'file', node: 'down', path: '/etc/hostname' },
      { kind: 'http', from: 'down', url: 'http://127.0.0.1/' },
      { kind: 'port', from: 'down', to: 'web', port: webPort },
      { kind: 'systemd', node: 'down', unit: 'ssh.service' },
      { kind: 'rebooted', node: 'down' },
    ]) {
      const r = await check(fields, target({ bootIds: { down: '00000000-1111-2222-3333-444444444444' } }));
      expectError(r, new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
    }
  });

  it('a role without a node is an error saying to start the lab again', async () => {
    expectError(await check({ kind: 'command', node: 'db', run: 'true' }), /No node is assigned to the role "db"/, /start it again, picking a node for every role/);
    expectError(await check({ kind: 'node-state', node: 'db', state: ['installed'] }), /No node is assigned/);
  });

  it('throws only when the caller aborts, and stops the command on the node', async () => {
    const ac = new AbortController();
    const sleep = `sleep 32.${process.pid}`;
    const run = runCheck(labCheck({ kind: 'command', node: 'web', run: sleep, timeoutSeconds: 60 }), target(), deps(), ac.signal);
    setTimeout(() => ac.abort(), 300);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(await processesLeft(sleep)).toBe('');
    const hint = (await check({ kind: 'command', node: 'web', run: 'exit 1' })).hint;
    expect(hint).toBe(HINT);
  });
});
