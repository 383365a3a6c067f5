/**
 * The IPC transport over a STAND-IN for Electron IPC (ipc-stand-in.ts): the Electron binary
 * cannot run here, so ipcMain/ipcRenderer/webContents are EventEmitters that structured-clone
 * and deliver asynchronously as Electron does. The bridge (preload logic), the transport and the
 * Dispatcher are the real ones.
 */
import { describe, expect, it, vi } from 'vitest';
import { RpcClient } from '../../renderer/rpc/client';
import { ErrorCode } from '../../shared/errors';
import { MAX_FRAME_BYTES, type Frame } from '../../shared/protocol';
import { EventBus } from '../core/events/bus';
import type { Logger } from '../core/log';
import { Dispatcher } from '../core/rpc/dispatcher';
import type { Handlers } from '../core/rpc/handlers';
import { createBridge } from './bridge';
import { createIpcPair, createIpcStandIn } from './ipc-stand-in';
import { APP_ENTRY_URL, isTrustedSenderFrame } from './security';
import { attachIpcTransport } from './transport';

function quietLog() {
  const noop = (_msg: string, _fields?: Record<string, unknown>) => undefined;
  return { debug: vi.fn(noop), info: vi.fn(noop), warn: vi.fn(noop), error: vi.fn(noop) } satisfies Logger;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A dispatcher with a few handlers: an echo, one with progress, and one that hangs until aborted. */
function testDispatcher() {
  const bus = new EventBus();
  const hang = {
    started: deferred<void>(),
    aborted: deferred<string>(),
  };
  const handlers = {
    'system.info': () => ({ product: 'Rackpilot', version: '0.0.0-test', shell: 'electron' }),
    'nodes.import': (input: { nodes: unknown[] }, ctx: { progress(p: unknown): void }) => {
      input.nodes.forEach((_, i) => ctx.progress({ done: i + 1, total: input.nodes.length }));
      return { created: [], rejected: [] };
    },
    'jobs.get': (input: { id: string }, ctx: { signal: AbortSignal }) =>
      new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          hang.aborted.resolve(input.id);
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        });
        hang.started.resolve();
      }),
  } as unknown as Handlers;
  return { dispatcher: new Dispatcher(handlers, bus, quietLog()), bus, hang };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('IPC transport over a stand-in for Electron IPC', () => {
  it('round-trips requests, progress and events: bridge → transport → Dispatcher → back', async () => {
    const { dispatcher, bus } = testDispatcher();
    const pair = createIpcPair(dispatcher);
    const client = new RpcClient(pair);

    await expect(client.call('system.info', {})).resolves.toMatchObject({ product: 'Rackpilot', shell: 'electron' });

    const progress: unknown[] = [];
    await client.call('nodes.import', { nodes: [1, 2] }, { onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { done: 1, total: 2 },
      { done: 2, total: 2 },
    ]);

    const seen: unknown[] = [];
    client.subscribe('nodes.changed', (d) => seen.push(d));
    bus.publish('nodes.changed', { op: 'remove', id: 'n1' });
    await vi.waitFor(() => expect(seen).toEqual([{ op: 'remove', id: 'n1' }]));

    // Input validation still happens in the core, whatever the transport.
    await expect(client.call('jobs.get', { id: '' })).rejects.toMatchObject({ code: ErrorCode.Validation });
    expect(pair.transport.sessionCount).toBe(1);
    pair.close();
  });

  it('passes structured-cloned values to the session, which still enforces the frame size limit', async () => {
    const { dispatcher } = testDispatcher();
    const pair = createIpcPair(dispatcher);
    const client = new RpcClient(pair);
    const big = 'x'.repeat(MAX_FRAME_BYTES);
    await expect(client.call('nodes.import', { nodes: [big] })).rejects.toMatchObject({ code: ErrorCode.TooLarge });
    // Something that cannot be cloned never leaves the renderer: the call fails at once.
    await expect(client.call('nodes.import', { nodes: [() => 1] } as never)).rejects.toMatchObject({
      code: ErrorCode.Disconnected,
    });
    pair.close();
  });

  it('closing the window closes its session: the in-flight request is aborted', async () => {
    const { dispatcher, hang } = testDispatcher();
    const pair = createIpcPair(dispatcher);
    const client = new RpcClient(pair);
    const call = client.call('jobs.get', { id: 'job-1' });
    await hang.started.promise;
    expect(pair.transport.sessionCount).toBe(1);

    // Only the webContents going away — the transport itself stays attached.
    pair.renderer.destroy();
    await expect(hang.aborted.promise).resolves.toBe('job-1');
    expect(pair.transport.sessionCount).toBe(0);

    pair.close(); // the renderer-side client learns it too (in Electron the page is simply gone)
    await expect(call).rejects.toMatchObject({ code: ErrorCode.Disconnected });
  });

  it('a reload or crash ends the page\'s session too, and the next page gets a fresh one', async () => {
    const { dispatcher, hang } = testDispatcher();
    const standIn = createIpcStandIn();
    const transport = attachIpcTransport(standIn.ipcMain, dispatcher, {
      isTrustedSender: (e) => isTrustedSenderFrame(e.senderFrame),
    });
    const renderer = standIn.openRenderer();
    const client = new RpcClient(createBridge(renderer.ipcRenderer));
    void client.call('jobs.get', { id: 'before-reload' }).catch(() => undefined);
    await hang.started.promise;

    renderer.navigate(APP_ENTRY_URL);
    await expect(hang.aborted.promise).resolves.toBe('before-reload');
    expect(transport.sessionCount).toBe(0);

    // The reloaded page starts its ids at 1 again: no "id already in use".
    const fresh = new RpcClient(createBridge(renderer.ipcRenderer));
    await expect(fresh.call('system.info', {})).resolves.toMatchObject({ product: 'Rackpilot' });
    expect(transport.sessionCount).toBe(1);

    renderer.crash();
    expect(transport.sessionCount).toBe(0);
    transport.close();
  });

  it.each([
    ['an iframe of our page', { fromSubframe: true }],
    ['a main frame showing a remote page', { url: 'https://evil.example/' }],
    ['a main frame on file://', { url: 'file:///tmp/index.html' }],
  ])('drops and logs frames from untrusted senders: %s', async (_label, options) => {
    const { dispatcher } = testDispatcher();
    const open = vi.spyOn(dispatcher, 'open');
    const log = quietLog();
    const standIn = createIpcStandIn();
    const transport = attachIpcTransport(standIn.ipcMain, dispatcher, {
      isTrustedSender: (e) => isTrustedSenderFrame(e.senderFrame),
      log,
    });
    const renderer = standIn.openRenderer(options);
    const received: Frame[] = [];
    createBridge(renderer.ipcRenderer).onFrame((f) => received.push(f));

    createBridge(renderer.ipcRenderer).send({ t: 'req', id: 1, m: 'system.info', a: {} });
    await tick();
    await tick();

    expect(open).not.toHaveBeenCalled();
    expect(transport.sessionCount).toBe(0);
    expect(received).toEqual([]); // no answer at all, not even an error
    expect(log.warn).toHaveBeenCalledWith('dropped an IPC frame from an untrusted sender', expect.objectContaining({ webContents: 1 }));
    // The frame's content is never logged.
    expect(JSON.stringify(log.warn.mock.calls)).not.toContain('system.info');
    transport.close();
  });

  it('keeps one session per webContents and stops listening when closed', async () => {
    const { dispatcher } = testDispatcher();
    const standIn = createIpcStandIn();
    const transport = attachIpcTransport(standIn.ipcMain, dispatcher, { isTrustedSender: () => true });
    const a = new RpcClient(createBridge(standIn.openRenderer().ipcRenderer));
    const b = new RpcClient(createBridge(standIn.openRenderer().ipcRenderer));
    await Promise.all([a.call('system.info', {}), a.call('system.info', {}), b.call('system.info', {})]);
    expect(transport.sessionCount).toBe(2);

    transport.close();
    expect(transport.sessionCount).toBe(0);
    const late = a.call('system.info', {});
    const outcome = await Promise.race([late.then(() => 'answered'), new Promise((r) => setTimeout(() => r('silence'), 50))]);
    expect(outcome).toBe('silence');
  });
});

describe('createBridge (the preload logic)', () => {
  it('hides the IPC event from the renderer and unsubscribes', async () => {
    const standIn = createIpcStandIn();
    const renderer = standIn.openRenderer();
    const bridge = createBridge(renderer.ipcRenderer);
    const got: unknown[][] = [];
    const off = bridge.onFrame((...args: unknown[]) => got.push(args));
    renderer.webContents.send('rackpilot:frame', { t: 'event', ch: 'jobs.changed', d: { id: 'j' } });
    await tick();
    off();
    renderer.webContents.send('rackpilot:frame', { t: 'event', ch: 'jobs.changed', d: { id: 'k' } });
    await tick();
    expect(got).toEqual([[{ t: 'event', ch: 'jobs.changed', d: { id: 'j' } }]]);
  });

  it('exposes exactly send and onFrame', () => {
    const bridge = createBridge(createIpcStandIn().openRenderer().ipcRenderer);
    expect(Object.keys(bridge).sort()).toEqual(['onFrame', 'send']);
  });
});
