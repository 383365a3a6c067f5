/**
 * A docker-registry process for tests, on a free port of a chosen address. A shell minds it: a
 * killed test worker (which runs no exit handlers) leaves no registry behind, and `dir` (its
 * config, and the served storage when it lives there) is deleted when it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface RunningRegistry {
  host: string;
  stop(): void;
  /** Stops it and resolves once it has exited (its storage is then complete on disk). */
  stopped(): Promise<void>;
}

/** docker-registry on a free port of `address`, storing in `storage`; ready when /v2/ answers. */
export async function serveRegistry(o: { dir: string; storage: string; address: string }): Promise<RunningRegistry> {
  const port = await freePortOn(o.address);
  const host = o.address.includes(':') ? `[${o.address}]:${port}` : `${o.address}:${port}`;
  const config = join(o.dir, 'config.yml');
  const lines = ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${o.storage}`, '  delete:', '    enabled: true', 'http:', `  addr: ${host}`, ''];
  writeFileSync(config, lines.join('\n'));
  const minder = [
    `"$0" serve "$1" & registry=$!`,
    `trap 'kill $registry 2>/dev/null; wait $registry; rm -rf "$2"; exit 0' TERM INT`,
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $registry 2>/dev/null; do sleep 1 & wait $!; done`,
    `kill $registry 2>/dev/null; wait $registry; rm -rf "$2"`,
  ].join('\n');
  const child: ChildProcess = spawn('/bin/sh', ['-c', minder, REGISTRY_BIN, config, o.dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  const registry = { host, stop, stopped: () => (stop(), exited) };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return registry;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await registry.stopped();
  throw new Error(`docker-registry did not start on ${host}: ${stderr.trim() || 'no answer on /v2/ within 15 s'}`);
}

function freePortOn(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err) => reject(new Error(`no free port on ${address} for the lab registry: ${err.message}`)));
    srv.listen(0, address, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
