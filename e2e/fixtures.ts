/**
 * Every test gets its own real headless server on a free port with a fresh data directory,
 * so tests never see each other's nodes. The server prints `Rackpilot is ready at <url>`,
 * and that URL carries the access token in its hash.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import type { MethodInput, MethodName, MethodOutput } from '../shared/contract';

// Playwright loads specs as CommonJS, so __dirname is this folder.
const repoRoot = resolve(__dirname, '..');
const READY = /Rackpilot is ready at (http:\/\/\S+)/;

export interface RackpilotServer {
  /** The printed URL, with `#token=…`. */
  url: string;
  /** The server's origin, without the token. */
  origin: string;
  token: string;
  dataDir: string;
  /** Everything the server wrote, for failure messages. */
  output(): string;
}

async function startServer(extraEnv: Record<string, string>): Promise<{ server: RackpilotServer; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rackpilot-ui-'));
  const child: ChildProcess = spawn(process.execPath, ['dist/electron/server.cjs', '--port', '0', '--data-dir', dataDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...extraEnv },
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print its URL within 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = READY.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before it was ready:\n${output}`));
    });
  });
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  const server: RackpilotServer = { url, origin: parsed.origin, token, dataDir, output: () => output };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { server, stop };
}

export const test = base.extend<{ serverEnv: Record<string, string>; server: RackpilotServer; app: Page }>({
  /** Extra environment for the server (`test.use({ serverEnv: { … } })`), e.g. where the lab image is. */
  serverEnv: [{}, { option: true }],
  server: async ({ serverEnv }, use) => {
    const { server, stop } = await startServer(serverEnv);
    try {
      await use(server);
    } finally {
      await stop();
    }
  },
  /** A page with the app open at the printed URL and the node list loaded. */
  app: async ({ page, server }, use) => {
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'Nodes', level: 1 })).toBeVisible();
    await expect(page.getByTestId('connection-state')).toHaveText('Connected');
    await use(page);
  },
});

/**
 * Calls one API method over its own WebSocket, the way a script would (no Origin header, token
 * only). For seeding data quickly; the UI under test is driven through the page.
 */
export async function callApi<M extends MethodName>(server: RackpilotServer, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const ws = new WebSocket(`${server.origin.replace(/^http/, 'ws')}/api?token=${encodeURIComponent(server.token)}`);
  try {
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
    });
    return await new Promise<MethodOutput<M>>((res, rej) => {
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { t: string; id?: number; r?: unknown; e?: { message: string } };
        if (frame.id !== 1) return;
        if (frame.t === 'res') res(frame.r as MethodOutput<M>);
        else if (frame.t === 'err') rej(new Error(`${method} failed: ${frame.e?.message}`));
      });
      ws.send(JSON.stringify({ t: 'req', id: 1, m: method, a: input }));
    });
  } finally {
    ws.close();
  }
}

/** A MAC address for the n-th generated node (locally administered, unicast). */
export function macFor(n: number): string {
  const hex = n.toString(16).padStart(6, '0');
  return `52:54:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

export { expect };
