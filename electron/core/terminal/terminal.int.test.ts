/**
 * The in-app terminal against a real OpenSSH sshd on this host, driven through the app's
 * dispatcher as a client would: typing, resizing, closing (the remote shell must be gone), flow
 * control under a flood of output, caps and errors.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../../../shared/domain/node';
import { rejection } from '../testing/rejection';
import { createTestUser, startSshd, type TestSshd, type TestUser } from '../testing/sshd';
import { createTempApp, type TempApp } from '../testing/temp-app';
import { ACK_WINDOW_CHARS } from './ack-window';
import { FRAME_CHARS } from './output-pump';
import { processGone, processesOnTty, sleep, TestTerminal } from './test-terminal';

let sshd: TestSshd;
let shellUser: TestUser;
let t: TempApp;
let node: Node;
let nodeSeq = 0;

async function pinnedNode(name: string): Promise<Node> {
  const created = await t.client.call('nodes.create', { name, mac: `52:54:00:7e:00:${(++nodeSeq).toString(16).padStart(2, '0')}`, address: '127.0.0.1', sshPort: sshd.port, sshUser: shellUser.name, role: 'worker' });
  return t.client.call('nodes.acceptHostKey', { id: created.id, fingerprint: sshd.hostKey.fingerprint });
}

/** Waits until the output has not grown for `quietMs`. */
async function settled(term: TestTerminal, quietMs = 400): Promise<number> {
  let last = -1;
  while (term.output.length !== last) {
    last = term.output.length;
    await sleep(quietMs);
  }
  return last;
}

beforeAll(async () => {
  t = createTempApp();
  // Shells log in as a throwaway user with stock dotfiles: a closed terminal kills its shell
  // mid-start-up, and a root whose .bashrc runs tools that take locks (pyenv) would be left stuck.
  shellUser = createTestUser('none');
  sshd = await startSshd({ authorizedKeys: { [shellUser.name]: [t.app.services.ssh.publicKey!.authorizedKey] } });
  node = await pinnedNode('term-1');
});
afterAll(async () => {
  await t?.close();
  await sshd?.stop();
  shellUser?.remove();
});

describe('terminal (real OpenSSH sshd)', () => {
  it('runs what is typed and shows its output', async () => {
    const term = new TestTerminal(t.client, node.id);
    expect(await term.id()).toMatch(/^[0-9a-f-]{36}$/);
    await term.type('echo hello-$((6*7))\r');
    await term.waitFor(/hello-42/);
    await term.type('exit\r');
    expect(await term.result).toMatchObject({ reason: 'exited', exitCode: 0 });
  });

  it('resolves with the exit status when the shell exits', async () => {
    const term = new TestTerminal(t.client, node.id);
    await term.type('exit 3\r');
    expect(await term.result).toEqual({ terminalId: await term.id(), exitCode: 3, reason: 'exited' });
  });

  it('opens with the requested size and follows a resize', async () => {
    const term = new TestTerminal(t.client, node.id, { cols: 91, rows: 27 });
    await term.type('echo size-$(stty size)\r');
    await term.waitFor(/size-27 91/);
    await t.client.call('terminal.resize', { terminalId: await term.id(), cols: 132, rows: 43 });
    await term.type('echo size-$(stty size)\r');
    await term.waitFor(/size-43 132/);
    await t.client.call('terminal.close', { terminalId: await term.id() });
  });

  it('keeps multibyte characters whole across packets and frames', async () => {
    const term = new TestTerminal(t.client, node.id);
    await term.type("yes 'ñ€😀' | head -n 30000; echo done-$((1+1))\r");
    await term.waitFor(/done-2/, 20_000);
    expect(term.output).not.toContain('\uFFFD');
    expect(term.output.match(/ñ€😀\r\n/g)).toHaveLength(30_000);
    await t.client.call('terminal.close', { terminalId: await term.id() });
  });

  it('closes the channel when the request is cancelled, and the remote shell is gone', async () => {
    const abort = new AbortController();
    const term = new TestTerminal(t.client, node.id, { signal: abort.signal });
    const pid = await term.shellPid();
    await term.type('tty\r');
    const tty = (await term.waitFor(/\/dev\/(pts\/\d+)/))[1]!;
    expect(processesOnTty(tty)).not.toEqual([]);
    abort.abort();
    expect((await rejection(term.result)).code).toBe('E_CANCELLED');
    expect(await processGone(pid)).toBe(true);
    expect(processesOnTty(tty)).toEqual([]);
    // The id is forgotten with the channel.
    expect((await rejection(t.client.call('terminal.input', { terminalId: await term.id(), data: 'ls\r' }))).code).toBe('E_NOT_FOUND');
  });

  it('closes the channel on terminal.close, even with a program running in the foreground', async () => {
    const term = new TestTerminal(t.client, node.id);
    const pid = await term.shellPid();
    await term.type('sleep 600\r');
    await sleep(200);
    expect(await t.client.call('terminal.close', { terminalId: await term.id() })).toBeNull();
    expect(await term.result).toMatchObject({ reason: 'closed', exitCode: null });
    expect(await processGone(pid)).toBe(true);
  });

  it('stops reading at the ack window and finishes once the screen acks', async () => {
    const term = new TestTerminal(t.client, node.id, { autoAck: false });
    await term.waitFor(/[#$] $/);
    const total = 5_000_000;
    const started = performance.now();
    await term.type(`head -c ${total} /dev/zero | tr '\\0' x; echo; echo done-$((1+1))\r`);
    await term.received(ACK_WINDOW_CHARS);
    const stalled = await settled(term);
    // Everything the client was sent without acking: at most the window and one frame.
    expect(stalled).toBeLessThanOrEqual(ACK_WINDOW_CHARS + FRAME_CHARS);
    expect(stalled).toBeGreaterThan(ACK_WINDOW_CHARS);
    expect(term.output).not.toMatch(/done-2/);

    await term.ackAll();
    await term.waitFor(/done-2/, 60_000);
    const seconds = (performance.now() - started) / 1000;
    const xs = (term.output.match(/x{100,}/g) ?? []).reduce((n, run) => n + run.length, 0);
    expect(xs).toBe(total);
    expect(Math.max(...term.frames)).toBeLessThanOrEqual(FRAME_CHARS);
    const bulk = term.frames.filter((n) => n > 1000);
    console.info(
      `terminal flood: ${(total / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s (incl. the stall) · ${term.frames.length} frames, ` +
        `median bulk frame ${bulk.sort((a, b) => a - b)[Math.floor(bulk.length / 2)]} chars`,
    );
    await t.client.call('terminal.close', { terminalId: await term.id() });
  });

  it('closes a terminal whose output is stalled at the window', async () => {
    const term = new TestTerminal(t.client, node.id, { autoAck: false });
    const pid = await term.shellPid();
    await term.type('yes flood\r');
    await term.received(ACK_WINDOW_CHARS);
    expect(await settled(term)).toBeLessThanOrEqual(ACK_WINDOW_CHARS + FRAME_CHARS);
    await t.client.call('terminal.close', { terminalId: await term.id() });
    expect(await term.result).toMatchObject({ reason: 'closed' });
    expect(await processGone(pid)).toBe(true);
  });

  it('moves a big cat at speed with acks', async () => {
    const term = new TestTerminal(t.client, node.id);
    await term.waitFor(/[#$] $/);
    const total = 20_000_000;
    const started = performance.now();
    await term.type(`head -c ${total} /dev/zero | tr '\\0' x; echo; echo done-$((1+1))\r`);
    await term.waitFor(/done-2/, 60_000);
    const seconds = (performance.now() - started) / 1000;
    const frames = term.frames.length;
    console.info(`terminal throughput: ${(total / 1e6 / seconds).toFixed(1)} MB/s (${frames} frames, ${(total / frames / 1024).toFixed(1)} KiB per frame on average)`);
    expect(frames).toBeLessThan(total / 4096);
    await t.client.call('terminal.close', { terminalId: await term.id() });
  });

  it('answers E_NOT_FOUND for a terminal id that is not open', async () => {
    const missing = randomUUID();
    for (const call of [
      t.client.call('terminal.input', { terminalId: missing, data: 'ls\r' }),
      t.client.call('terminal.resize', { terminalId: missing, cols: 80, rows: 24 }),
      t.client.call('terminal.ack', { terminalId: missing, chars: 10 }),
      t.client.call('terminal.close', { terminalId: missing }),
    ]) {
      const err = await rejection(call);
      expect(err.code).toBe('E_NOT_FOUND');
      expect(err.message).toBe(`No open terminal with id ${missing}: it has closed (or never opened). Open a new terminal.`);
    }
  });

  it('refuses a node whose host key is not pinned, saying so', async () => {
    const unpinned = await t.client.call('nodes.create', { name: 'term-unpinned', mac: '52:54:00:7e:01:01', address: '127.0.0.1', sshPort: sshd.port, sshUser: shellUser.name, role: 'worker' });
    const err = await rejection(new TestTerminal(t.client, unpinned.id).result);
    expect(err.code).toBe('E_SSH_HOSTKEY_UNKNOWN');
    expect(err.message).toMatch(/has no pinned host key yet/);
  });

  it('caps the terminals per node and in all, with a clear error', async () => {
    // OpenSSH's MaxSessions is 10 here; terminals leave 2 of a node's session slots to commands.
    const nodes = [node, ...(await Promise.all([1, 2, 3, 4].map((i) => pinnedNode(`term-cap-${i}`))))];
    const open: TestTerminal[] = [];
    for (let i = 0; i < 8; i++) open.push(new TestTerminal(t.client, node.id));
    await Promise.all(open.map((x) => x.id()));
    const perNode = await rejection(new TestTerminal(t.client, node.id).result);
    expect(perNode).toMatchObject({ code: 'E_TOO_LARGE', message: expect.stringMatching(/^8 terminals to term-1 are open already.*Close one and try again\.$/) });
    // Commands still get a session on that node.
    const job = await t.client.call('nodes.gatherFacts', { id: node.id });
    expect((await t.app.services.jobs.settled(job.id)).state).toBe('succeeded');

    for (const n of nodes.slice(1, 4)) for (let i = 0; i < 8; i++) open.push(new TestTerminal(t.client, n.id));
    await Promise.all(open.map((x) => x.id()));
    const overall = await rejection(new TestTerminal(t.client, nodes[4]!.id).result);
    expect(overall).toMatchObject({ code: 'E_TOO_LARGE', message: '32 terminals are open already, the most Rackpilot allows. Close one and try again.' });

    // Closing one makes room again.
    await t.client.call('terminal.close', { terminalId: await open[0]!.id() });
    const next = new TestTerminal(t.client, nodes[4]!.id);
    await next.id();
    await Promise.all([...open.slice(1), next].map(async (x) => t.client.call('terminal.close', { terminalId: await x.id() })));
  });

  it('closes every terminal when the SSH layer closes (app exit)', async () => {
    const term = new TestTerminal(t.client, node.id);
    const pid = await term.shellPid();
    await t.app.services.ssh.close();
    expect(await term.result).toMatchObject({ reason: 'disconnected', exitCode: null });
    expect(await processGone(pid)).toBe(true);
  });
});
