import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RpcClient } from '../../renderer/rpc/client';
import type { Frame } from '../../shared/protocol';
import { createLogger } from '../core/log';
import { createTempApp, tempDir, type TempApp } from '../core/testing/temp-app';
import { startHeadlessServer, type HeadlessServer } from './server';
import { wsTransport } from './ws-transport';

const log = createLogger('error');
let t: TempApp | undefined;
let server: HeadlessServer | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await server?.close();
  await t?.close();
  server = undefined;
  t = undefined;
});

async function start(): Promise<{ server: HeadlessServer; base: string; rendererDir: string }> {
  t = createTempApp();
  const rendererDir = tempDir('rackpilot-renderer-');
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Rackpilot</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startHeadlessServer({ app: t.app, log, host: '127.0.0.1', port: 0, rendererDir });
  return { server, base: `http://127.0.0.1:${server.port}`, rendererDir };
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function handshake(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    sockets.push(ws);
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

async function connect(url: string): Promise<RpcClient> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return new RpcClient(wsTransport(ws));
}

describe('headless server', () => {
  it('requires the token on the WebSocket and on /api/session', async () => {
    const { server, base } = await start();
    const ws = base.replace('http', 'ws') + '/api';
    expect(await handshake(ws)).toBe(401);
    expect(await handshake(`${ws}?token=wrong`)).toBe(401);
    expect(await handshake(`${ws}?token=${server.token}`)).toBe(101);
    expect((await fetch(`${base}/api/session`)).status).toBe(401);
    const ok = await fetch(`${base}/api/session`, { headers: { Authorization: `Bearer ${server.token}` } });
    expect(await ok.json()).toEqual({ ok: true });
  });

  it('checks the Origin of browser connections', async () => {
    const { server, base } = await start();
    const ws = `${base.replace('http', 'ws')}/api?token=${server.token}`;
    expect(await handshake(ws, { Origin: 'http://evil.example' })).toBe(403);
    expect(await handshake(ws, { Origin: base })).toBe(101);
  });

  it('refuses a non-loopback address unless asked, and explains a busy port', async () => {
    t = createTempApp();
    await expect(startHeadlessServer({ app: t.app, log, host: '0.0.0.0', port: 0, rendererDir: t.dir })).rejects.toThrow(/--allow-remote/);
    server = await startHeadlessServer({ app: t.app, log, host: '127.0.0.1', port: 0, rendererDir: t.dir });
    await expect(startHeadlessServer({ app: t.app, log, host: '127.0.0.1', port: server.port, rendererDir: t.dir })).rejects.toThrow(/already in use.*--port/);
  });

  it('serves the renderer with a strict CSP and no path escapes', async () => {
    const { base } = await start();
    const index = await fetch(`${base}/nodes`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<title>Rackpilot</title>');
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    // Escapes are clamped to the root: at worst the app's index page comes back, never the file.
    for (const escape of ['/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc/hostname']) {
      const res = await fetch(`${base}${escape}`);
      expect(await res.text(), escape).not.toMatch(/root:|^[a-z0-9-]+\n$/);
    }
  });

  it('carries calls, progress and pushed events between two clients over real sockets', async () => {
    const { server, base } = await start();
    const url = `${base.replace('http', 'ws')}/api?token=${server.token}`;
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const seen: string[] = [];
    b.subscribe('nodes.changed', (e) => seen.push(e.op === 'upsert' ? e.node.name : e.id));
    const progress: number[] = [];
    await a.call('nodes.import', { nodes: [{ name: 'a1', mac: '52:54:00:00:00:a1' }] }, { onProgress: (p) => progress.push(p.done) });
    expect(progress).toEqual([1]);
    await expect.poll(() => seen).toEqual(['a1']);
    expect((await b.call('nodes.list', {})).map((n) => n.name)).toEqual(['a1']);
  });

  it('survives garbage and oversized messages on the socket and keeps the connection', async () => {
    const { server, base } = await start();
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api?token=${server.token}`);
    sockets.push(ws);
    await new Promise((r) => ws.once('open', r));
    const frames: Frame[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
    ws.send('\u0000\u0001 not json');
    ws.send(Buffer.from([0xff, 0xfe, 0x00]));
    ws.send(JSON.stringify({ t: 'req', id: 1, m: 'nodes.list', a: { pad: 'x'.repeat(1_200_000) } }));
    ws.send(JSON.stringify({ t: 'req', id: 2, m: 'system.info', a: {} }));
    await expect.poll(() => frames.length).toBeGreaterThanOrEqual(4);
    expect(frames.map((f) => (f.t === 'err' ? f.e.code : f.t))).toEqual(['E_BAD_FRAME', 'E_BAD_FRAME', 'E_TOO_LARGE', 'res']);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });
});
