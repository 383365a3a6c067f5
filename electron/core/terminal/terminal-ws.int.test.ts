/**
 * The terminal over the other transport: the real headless server process and a WebSocket client,
 * as the browser UI uses it. When the client goes away without a word, the server aborts its
 * request and the remote shell must go with it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RpcClient } from '../../../renderer/rpc/client';
import { wsTransport } from '../../headless/ws-transport';
import { buildCore, startServerProcess, type ServerProcess } from '../testing/server-process';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../testing/sshd';
import { tempDir } from '../testing/temp-app';
import { processGone, TestTerminal } from './test-terminal';

let server: ServerProcess;
let sshd: TestSshd;
let shellUser: TestUser;

async function connect(): Promise<{ client: RpcClient; ws: WebSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { client: new RpcClient(wsTransport(ws)), ws };
}

beforeAll(async () => {
  buildCore();
  server = await startServerProcess(tempDir());
  sshd = await startSshd();
  // A throwaway user with stock dotfiles (see terminal.int.test.ts).
  shellUser = createTestUser('none');
});
afterAll(async () => {
  await server?.stop();
  await sshd?.stop();
  shellUser?.remove();
});

it('runs a shell over the WebSocket and closes it when the client disconnects', async () => {
  const { client, ws } = await connect();
  sshd.authorize(shellUser.name, (await client.call('ssh.publicKey', {}))!.authorizedKey);
  const created = await client.call('nodes.create', { name: 'ws-term', mac: '52:54:00:7e:02:01', address: '127.0.0.1', sshPort: sshd.port, sshUser: shellUser.name, role: 'worker' });
  await client.call('nodes.acceptHostKey', { id: created.id, fingerprint: sshd.hostKey.fingerprint });

  const term = new TestTerminal(client, created.id);
  await term.type('echo hello-$((6*7))\r');
  await term.waitFor(/hello-42/);
  const pid = await term.shellPid();
  ws.terminate();
  expect(await processGone(pid)).toBe(true);
  expect(server.output()).not.toMatch(/handler terminal\.\w+ failed/);
});
