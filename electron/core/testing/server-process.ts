/**
 * Test helper: the real headless server as a child process (`dist/electron/server.cjs`), as
 * `npm run serve` runs it. Builds the core bundle first so the test never runs stale code.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import { RpcClient } from '../../../renderer/rpc/client';
import { wsTransport } from '../../headless/ws-transport';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const SERVER_BUNDLE = resolve(REPO_ROOT, 'dist/electron/server.cjs');

export function buildCore(): void {
  execFileSync(process.execPath, ['scripts/build-core.mjs'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
  output: () => string;
  connect(): Promise<RpcClient>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface RunOptions {
  /** Run as the unprivileged `nobody` user (when we are root), as a desktop user would. */
  unprivileged?: boolean;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
}

export function runServer(args: string[], opts: RunOptions = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const asNobody = opts.unprivileged && process.getuid?.() === 0;
  const [command, commandArgs] = asNobody
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, SERVER_BUNDLE, ...args]]
    : [process.execPath, [SERVER_BUNDLE, ...args]];
  const child = spawn(command, commandArgs, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

export async function startServerProcess(dataDir: string, extra: string[] = [], opts: RunOptions = {}): Promise<ServerProcess> {
  const { child, output, exited } = runServer(['--port', '0', '--data-dir', dataDir, ...extra], opts);
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready in 10 s:\n${output()}`)), 10_000);
    const poll = setInterval(() => {
      const m = /Rackpilot is ready at (http:\/\/\S+)/.exec(output());
      if (m?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output()}`));
    });
  });
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  const sockets: WebSocket[] = [];
  return {
    child,
    url,
    port: Number(parsed.port),
    token,
    output,
    async connect() {
      const ws = new WebSocket(`ws://${parsed.host}/api?token=${token}`);
      sockets.push(ws);
      await new Promise((r, j) => {
        ws.once('open', r);
        ws.once('error', j);
      });
      return new RpcClient(wsTransport(ws));
    },
    async stop(signal = 'SIGTERM') {
      for (const s of sockets) s.terminate();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
