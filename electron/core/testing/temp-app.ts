/**
 * Test helper: a real core (real SQLite in a temp dir) and an RpcClient wired to its dispatcher
 * in-process. Frames are JSON round-tripped so tests see exactly what a transport would carry.
 */
import { rmSync } from 'node:fs';
import { RpcClient } from '../../../renderer/rpc/client';
import type { Frame } from '../../../shared/protocol';
import { createApp, type App, type AppOptions } from '../app';
import { createLogger } from '../log';
import { tempDir } from './temp-dirs';

export { tempDir };

export interface TempApp {
  app: App;
  client: RpcClient;
  dir: string;
  /** Another client on the same core (a second window or tab). */
  connect(): RpcClient;
  close(opts?: { keepDir?: boolean }): Promise<void>;
}


export function createTempApp(dir = tempDir(), options: Partial<Omit<AppOptions, 'dataDir'>> = {}): TempApp {
  const app = createApp({ dataDir: dir, shell: 'headless', version: '0.0.0-test', log: createLogger('error'), ...options });
  const clients: RpcClient[] = [];
  const connect = () => {
    const listeners = new Set<(f: Frame) => void>();
    const session = app.dispatcher.open(
      { send: (frame) => queueMicrotask(() => listeners.forEach((l) => l(JSON.parse(JSON.stringify(frame)) as Frame))) },
      'test',
    );
    const client = new RpcClient({
      send: (frame) => session.receive(JSON.parse(JSON.stringify(frame)) as unknown),
      onFrame: (cb) => {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
    });
    clients.push(client);
    return client;
  };
  const client = connect();
  return {
    app,
    client,
    dir,
    connect,
    async close(opts = {}) {
      for (const c of clients) c.dispose();
      await app.close();
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
