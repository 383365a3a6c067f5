#!/usr/bin/env node
// `npm start` (after `npm run build`): the desktop app when Electron can run here, otherwise the
// headless server with the same arguments (--host, --port, --data-dir, …), which prints its URL.
// Falls back when the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD), when
// Linux has no display, or when Electron dies within STARTUP_GRACE_MS with an error — and says
// why in one line. Signals are forwarded to the child and its exit code becomes ours.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronSqlite } from './electron-sqlite.mjs';

const STARTUP_GRACE_MS = 2000;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = join(ROOT, 'dist', 'electron', 'server.cjs');
const MAIN = join(ROOT, 'dist', 'electron', 'main.cjs');
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const args = process.argv.slice(2);

/** The child we currently stand in front of; signals go to it. */
let child = null;

// One Ctrl-C can reach us twice within milliseconds (from the terminal and from npm, which
// forwards signals to its script); pass it on once. A deliberate second Ctrl-C still gets through.
const DUPLICATE_SIGNAL_MS = 300;
const lastForwarded = new Map();
for (const signal of FORWARDED_SIGNALS) {
  process.on(signal, () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    }
    const now = Date.now();
    if (now - (lastForwarded.get(signal) ?? 0) < DUPLICATE_SIGNAL_MS) return;
    lastForwarded.set(signal, now);
    child.kill(signal);
  });
}
// If we go away (other than by SIGKILL), do not leave the child running on its own.
process.on('exit', () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

/**
 * The child gets its own process group on POSIX, so a terminal's Ctrl-C reaches it once (from
 * us) rather than twice (from the terminal and from us): a second SIGINT would skip the server's
 * clean shutdown. On Windows `detached` would open a new console, so it stays attached there.
 */
function launch(command, commandArgs, env = process.env) {
  return spawn(command, commandArgs, { stdio: 'inherit', env, detached: process.platform !== 'win32' });
}

function electronBinary() {
  const require = createRequire(import.meta.url);
  try {
    // In plain Node the electron package exports the path of its binary, or throws if the
    // binary was never downloaded.
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?)' };
  } catch (err) {
    return err?.code === 'MODULE_NOT_FOUND'
      ? { reason: 'the electron package is not installed' }
      : { reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?)' };
  }
}

/** Resolves with null if Electron is still running after the grace period, else with why not. */
function tryElectron(binary) {
  if (!existsSync(MAIN)) return Promise.resolve({ reason: `${MAIN} is missing (run \`npm run build\`)` });
  const sqlite = ensureElectronSqlite();
  if (sqlite.reason) return Promise.resolve({ reason: sqlite.reason });
  const env = { ...process.env, RACKPILOT_SQLITE_BINDING: sqlite.path };
  delete env.ELECTRON_RUN_AS_NODE; // it would turn the binary into a plain Node
  child = launch(binary, [ROOT, ...args], env);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), STARTUP_GRACE_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ reason: `Electron could not be started (${err.code ?? err.message})` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // A quick clean exit is normal: e.g. a second instance handing over to the first one.
      if (code === 0) resolve({ exitCode: 0 });
      else resolve({ reason: `Electron exited within ${STARTUP_GRACE_MS / 1000} s (${signal ?? `code ${code}`})` });
    });
  });
}

function noDisplay() {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

/** Mirrors the child's end: same exit code, or the same signal. */
function followChild() {
  child.once('exit', (code, signal) => {
    if (signal) {
      for (const s of FORWARDED_SIGNALS) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}

async function main() {
  let reason;
  const binary = electronBinary();
  if (binary.reason) reason = binary.reason;
  else if (noDisplay()) reason = 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  else {
    const outcome = await tryElectron(binary.path);
    if (outcome === null) return followChild();
    if (outcome.exitCode === 0) process.exit(0);
    reason = outcome.reason;
  }

  if (!existsSync(SERVER)) {
    console.error(`Rackpilot: ${reason}, and the headless server is not built either — run \`npm run build\` first.`);
    process.exit(1);
  }
  console.error(`Rackpilot: ${reason} — starting the headless server instead.`);
  child = launch(process.execPath, [SERVER, ...args]);
  child.once('error', (err) => {
    console.error(`Rackpilot: could not start the headless server: ${err.message}`);
    process.exit(1);
  });
  followChild();
}

await main();
