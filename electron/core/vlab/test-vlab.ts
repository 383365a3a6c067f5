/**
 * Test helpers for the practice rack: a real core whose vlab options the test chooses (say, a
 * QEMU path that does not exist), waiting on a node's serial console, and finding its process.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { RpcClient } from '../../../renderer/rpc/client';
import type { Frame } from '../../../shared/protocol';
import { createApp, type App, type AppOptions } from '../app';
import { createLogger } from '../log';
import { tempDir } from '../testing/temp-app';
import { vmProcessName } from './qemu-args';
import type { VlabOptions } from './vlab-service';

export interface VlabTestApp {
  /** The core itself (e.g. to serve the renderer against it for a screenshot). */
  app: App;
  client: RpcClient;
  dir: string;
  close(opts?: { keepDir?: boolean }): Promise<void>;
}

/** A core on a temp (or given) data dir, with an in-process client; frames JSON round-tripped. */
export function vlabTestApp(vlab: VlabOptions = {}, dir = tempDir('rackpilot-vlab-'), options: Partial<Omit<AppOptions, 'dataDir' | 'vlab'>> = {}): VlabTestApp {
  const app = createApp({ dataDir: dir, shell: 'headless', version: '0.0.0-test', log: createLogger('error'), vlab, ...options });
  const listeners = new Set<(f: Frame) => void>();
  const session = app.dispatcher.open({ send: (frame) => queueMicrotask(() => listeners.forEach((l) => l(JSON.parse(JSON.stringify(frame)) as Frame))) }, 'test');
  const client = new RpcClient({
    send: (frame) => session.receive(JSON.parse(JSON.stringify(frame)) as unknown),
    onFrame: (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  });
  return {
    app,
    client,
    dir,
    async close(opts = {}) {
      client.dispose();
      await app.close();
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls the node's console through the API until `pattern` shows up; returns the console text. */
export async function waitForConsole(client: RpcClient, id: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await client.call('vlab.console', { id, tailBytes: 256 * 1024 })).text;
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`console of ${id} never matched ${pattern} within ${timeoutMs / 1000} s; last output:\n${text.slice(-2000)}`);
}

/** Pids of processes whose command line names this VM (what a stray QEMU would show). */
export function vmPids(id: string): number[] {
  const out = spawnSync('pgrep', ['-f', vmProcessName(id)], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}
