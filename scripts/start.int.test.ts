/**
 * `node scripts/start.mjs`: launches Electron when it can, else falls back to the headless
 * server with the same arguments. The real Electron binary cannot run here, so the paths where
 * a binary exists use a fake one (a shell script) through the electron package's own
 * ELECTRON_OVERRIDE_DIST_PATH hook.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const READY = /Rackpilot is ready at (http:\/\/\S+#token=\S+)/;
const FALLBACK = /^Rackpilot: .* — starting the headless server instead\.$/m;

let tmp: string;
const running: ChildProcess[] = [];

beforeAll(() => {
  // The fallback runs the built server and the Electron path needs the built main bundle.
  const build = spawnSync(process.execPath, ['scripts/build-core.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build-core failed: ${build.stderr}`);
  tmp = mkdtempSync(join(tmpdir(), 'rackpilot-start-'));
});

afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Started {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startScript(args: string[], env: NodeJS.ProcessEnv): Started {
  const proc = spawn(process.execPath, ['scripts/start.mjs', ...args], { cwd: ROOT, env, stdio: 'pipe' });
  running.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    proc.once('exit', (code, signal) => done({ code, signal })),
  );
  return { proc, output: () => out, exited };
}

async function waitFor(what: () => boolean, label: string, started: Started, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!what()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}; output so far:\n${started.output()}`);
    if (started.proc.exitCode !== null) throw new Error(`start.mjs exited early; output:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An environment without any Electron-related overrides and, optionally, without a display. */
function baseEnv(extra: NodeJS.ProcessEnv = {}, display = true): NodeJS.ProcessEnv {
  // The fake Electron never loads the SQLite driver, so the Node build stands in for the
  // Electron-ABI build start.mjs would otherwise compile (which needs the internet).
  const env: NodeJS.ProcessEnv = { ...process.env, RACKPILOT_LOG_LEVEL: 'warn', RACKPILOT_SQLITE_BINDING: NODE_SQLITE, ...extra };
  delete env.ELECTRON_RUN_AS_NODE;
  if (!('ELECTRON_OVERRIDE_DIST_PATH' in extra)) delete env.ELECTRON_OVERRIDE_DIST_PATH;
  if (display) env.DISPLAY ??= ':99';
  else {
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
  }
  return env;
}

/** A stand-in Electron binary: records its argv, then runs `body`. */
function fakeElectron(name: string, body: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'electron');
  writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\n${body}\n`);
  chmodSync(file, 0o755);
  return dir;
}

async function expectHeadlessFallback(started: Started, reason: RegExp): Promise<void> {
  await waitFor(() => READY.test(started.output()), 'the ready line', started);
  const lines = started.output().split('\n').filter((l) => FALLBACK.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(reason);
  // The URL works: the server answers on it (the UI may not be built: 200 or 503 are both fine).
  const url = READY.exec(started.output())![1]!;
  const res = await fetch(url.replace(/#.*$/, ''));
  expect([200, 503]).toContain(res.status);
  // SIGTERM reaches the server through start.mjs; it shuts down cleanly and so do we.
  started.proc.kill('SIGTERM');
  expect(await started.exited).toEqual({ code: 0, signal: null });
}

const NODE_SQLITE = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');

const posixOnly = process.platform === 'win32' ? describe.skip : describe;

describe('scripts/start.mjs', () => {
  it('falls back to the headless server when the Electron binary is not installed', async () => {
    // This sandbox installs electron with ELECTRON_SKIP_BINARY_DOWNLOAD=1: no binary.
    const started = startScript(['--port', '0', '--data-dir', join(tmp, 'data-missing')], baseEnv());
    await expectHeadlessFallback(started, /Electron binary is not installed/);
  });

  posixOnly('with a (fake) Electron binary', () => {
    it('falls back when Linux has no display', async () => {
      if (process.platform !== 'linux') return;
      const dist = fakeElectron('fake-unused', 'exit 0');
      const started = startScript(
        ['--port', '0', '--data-dir', join(tmp, 'data-nodisplay')],
        baseEnv({ ELECTRON_OVERRIDE_DIST_PATH: dist }, false),
      );
      await expectHeadlessFallback(started, /no display/);
      expect(existsSync(join(dist, 'argv'))).toBe(false);
    });

    it('falls back when Electron exits with an error right away', async () => {
      const dist = fakeElectron('fake-crash', 'echo "fake electron: missing libgtk" >&2; exit 3');
      const started = startScript(
        ['--port', '0', '--data-dir', join(tmp, 'data-crash')],
        baseEnv({ ELECTRON_OVERRIDE_DIST_PATH: dist }),
      );
      await expectHeadlessFallback(started, /Electron exited within 2 s \(code 3\)/);
    });

    it('stays with Electron when it keeps running, passing the args and forwarding signals', async () => {
      const dist = fakeElectron('fake-running', "trap 'exit 0' TERM\nwhile :; do sleep 0.1; done");
      const started = startScript(['--data-dir', '/nowhere'], baseEnv({ ELECTRON_OVERRIDE_DIST_PATH: dist }));
      await new Promise((r) => setTimeout(r, 2600));
      expect(started.proc.exitCode).toBeNull();
      expect(started.output()).not.toMatch(FALLBACK);
      expect(readFileSync(join(dist, 'argv'), 'utf8').split('\n').slice(0, 3)).toEqual([ROOT, '--data-dir', '/nowhere']);
      started.proc.kill('SIGTERM');
      expect(await started.exited).toEqual({ code: 0, signal: null });
    });

    it('falls back, saying why, when the SQLite driver cannot be built for Electron', async () => {
      const dist = fakeElectron('fake-nodriver', 'exit 0');
      const env = baseEnv({ ELECTRON_OVERRIDE_DIST_PATH: dist, npm_config_node_gyp: '/nonexistent/node-gyp.js' });
      delete env.RACKPILOT_SQLITE_BINDING;
      const started = startScript(['--port', '0', '--data-dir', join(tmp, 'data-nodriver')], env);
      await expectHeadlessFallback(started, /cannot build the SQLite driver for Electron: node-gyp not found/);
      expect(existsSync(join(dist, 'argv'))).toBe(false);
    });

    it('exits quietly when Electron exits cleanly at once (a second instance handing over)', async () => {
      const dist = fakeElectron('fake-second', 'exit 0');
      const started = startScript([], baseEnv({ ELECTRON_OVERRIDE_DIST_PATH: dist }));
      expect(await started.exited).toEqual({ code: 0, signal: null });
      expect(started.output()).not.toMatch(FALLBACK);
    });
  });
});
