/**
 * The contract, run identically over both transports against the same real core:
 *  - IPC: the real preload bridge and main-process transport, joined by the Electron IPC
 *    STAND-IN (electron/ipc/ipc-stand-in.ts) because the Electron binary cannot run here;
 *  - WebSocket: the real headless server over a real loopback socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RpcClient } from '../renderer/rpc/client';
import { RackpilotError } from '../shared/errors';
import { createLogger } from './core/log';
import { LATEST_SCHEMA_VERSION } from './core/store/migrations';
import { createTempApp, type TempApp } from './core/testing/temp-app';
import { startHeadlessServer } from './headless/server';
import { wsTransport } from './headless/ws-transport';
import { createIpcPair } from './ipc/ipc-stand-in';

interface Harness {
  t: TempApp;
  open(): Promise<RpcClient>;
  close(): Promise<void>;
}

const log = createLogger('error');

const transports: Record<string, () => Promise<Harness>> = {
  'Electron IPC (stand-in for ipcMain/ipcRenderer)': async () => {
    const t = createTempApp();
    const pairs: ReturnType<typeof createIpcPair>[] = [];
    return {
      t,
      open: async () => {
        const pair = createIpcPair(t.app.dispatcher, { log });
        pairs.push(pair);
        return new RpcClient(pair);
      },
      close: async () => {
        pairs.forEach((p) => p.close());
        await t.close();
      },
    };
  },
  'WebSocket (real headless server)': async () => {
    const t = createTempApp();
    const server = await startHeadlessServer({ app: t.app, log, host: '127.0.0.1', port: 0, rendererDir: t.dir });
    const sockets: WebSocket[] = [];
    return {
      t,
      open: async () => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
        sockets.push(ws);
        await new Promise((r, j) => {
          ws.once('open', r);
          ws.once('error', j);
        });
        return new RpcClient(wsTransport(ws));
      },
      close: async () => {
        sockets.forEach((s) => s.terminate());
        await server.close();
        await t.close();
      },
    };
  },
};

describe.each(Object.entries(transports))('contract over %s', (_name, make) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('answers system.info', async () => {
    h = await make();
    const client = await h.open();
    expect(await client.call('system.info', {})).toMatchObject({ product: 'Rackpilot', schemaVersion: LATEST_SCHEMA_VERSION });
  });

  it('creates, lists, updates and removes a node, and the other window hears every change', async () => {
    h = await make();
    const [a, b] = [await h.open(), await h.open()];
    // Over IPC a window's session starts with its first frame (every page starts by loading data).
    await b.call('system.info', {});
    const heard: string[] = [];
    b.subscribe('nodes.changed', (e) => heard.push(e.op));
    const node = await a.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:00:01' });
    await a.call('nodes.update', { id: node.id, changes: { tags: ['gpu'] } });
    expect((await b.call('nodes.list', {}))[0]?.tags).toEqual(['gpu']);
    await a.call('nodes.remove', { id: node.id });
    await expect.poll(() => heard).toEqual(['upsert', 'upsert', 'remove']);
  });

  it('carries field errors with their details and stable codes', async () => {
    h = await make();
    const client = await h.open();
    const err = await client.call('nodes.create', { name: 'r1', mac: '52:54:00:zz:00:01' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RackpilotError);
    expect(err).toMatchObject({ code: 'E_VALIDATION', details: { issues: [{ path: ['mac'] }] } });
    await expect(client.call('nodes.get', { id: 'gone' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('streams progress and honours cancel through the AbortSignal', async () => {
    h = await make();
    const client = await h.open();
    const rows = Array.from({ length: 2000 }, (_, i) => ({ name: `n${i}`, mac: `52:54:00:02:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}` }));
    const seen: number[] = [];
    const done = await client.call('nodes.import', { nodes: rows }, { onProgress: (p) => seen.push(p.done) });
    expect(done.created).toHaveLength(2000);
    expect(seen.at(-1)).toBe(2000);

    const controller = new AbortController();
    const more = rows.map((r, i) => ({ name: `m${i}`, mac: r.mac.replace('52:54:00:02', '52:54:00:03') }));
    const pending = client.call('nodes.import', { nodes: more }, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(pending).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect((await client.call('nodes.list', {})).length).toBeLessThan(4000);
  });
});
