/**
 * Runs the BUILT dist/electron/main.cjs under plain Node with a scripted FAKE of the electron
 * module (testing/fake-electron.mjs), because the Electron binary cannot run here. This checks
 * main.ts's wiring — window options, app:// + CSP, IPC to the real core, guards, startup errors,
 * clean shutdown — not Electron itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, CONTENT_SECURITY_POLICY, secureWebPreferences } from './security';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'electron', 'main.cjs');
const FAKE = join(__dirname, 'testing', 'fake-electron.mjs');

let tmp: string;

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build-core.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build-core failed: ${build.stderr}`);
  tmp = mkdtempSync(join(tmpdir(), 'rackpilot-main-'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Report {
  exitCode: number;
  calls: unknown[][];
  windows: { options: { webPreferences: Record<string, unknown> }; url?: string }[];
  ipcReplies: [string, { t: string; id: number; r?: { product?: string; shell?: string } }][];
  events: unknown[][];
  menu?: { label?: string; role?: string; submenu: string[] }[];
  error?: string;
}

function runMain(env: Record<string, string>): { report: Report; output: string } {
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(FAKE).href, MAIN], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, RACKPILOT_LOG_LEVEL: 'error', ...env },
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('FAKE_ELECTRON_REPORT '));
  if (!line) throw new Error(`no report from main.cjs:\n${run.stdout}\n${run.stderr}`);
  return { report: JSON.parse(line.slice('FAKE_ELECTRON_REPORT '.length)) as Report, output: run.stdout + run.stderr };
}

describe('dist/electron/main.cjs under a fake electron module', () => {
  it('opens a secure window on app://, serves the UI with the CSP, answers IPC, and closes the core on quit', () => {
    const userData = join(tmp, 'happy');
    const { report } = runMain({ FAKE_SCENARIO: 'happy', FAKE_USER_DATA: userData });
    expect(report.error).toBeUndefined();
    expect(report.exitCode).toBe(0);

    expect(report.calls).toContainEqual(['registerSchemesAsPrivileged', [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]]);
    expect(report.calls).toContainEqual(['getPath', 'userData']);
    expect(report.windows).toHaveLength(1);
    const prefs = report.windows[0]!.options.webPreferences;
    expect(prefs).toEqual(secureWebPreferences(join(ROOT, 'dist', 'electron', 'preload.cjs')));
    expect(report.windows[0]!.url).toBe(APP_ENTRY_URL);
    // Rackpilot's SSH key is sealed with the OS keychain (safeStorage), never written in the clear.
    const keyFile = readFileSync(join(userData, 'ssh', 'rackpilot_ed25519'), 'utf8');
    expect(keyFile.startsWith('RACKPILOT-SEALED-KEY safeStorage\n')).toBe(true);
    expect(keyFile).not.toContain('PRIVATE KEY');

    // The renderer may not be built: 200 with the UI or 503 saying so, both with the CSP.
    const protocol = report.events.find((e) => e[0] === 'protocol')!;
    expect([200, 503]).toContain(protocol[1]);
    expect(protocol[2]).toBe(CONTENT_SECURITY_POLICY);

    // One answer: to the trusted main frame's request (id 1), from the real core; the iframe's is dropped.
    expect(report.ipcReplies).toHaveLength(1);
    expect(report.ipcReplies[0]![0]).toBe('rackpilot:frame');
    expect(report.ipcReplies[0]![1]).toMatchObject({ t: 'res', id: 1, r: { product: 'Rackpilot', shell: 'electron' } });

    const event = (name: string) => report.events.find((e) => e[0] === name)!.slice(1);
    expect(event('will-navigate-remote-prevented')).toEqual([true]);
    expect(event('will-navigate-app-prevented')).toEqual([false]);
    expect(event('open-https')).toEqual([{ action: 'deny' }]);
    expect(event('open-file')).toEqual([{ action: 'deny' }]);
    expect(report.calls.filter((c) => c[0] === 'openExternal')).toEqual([['openExternal', 'https://kubernetes.io/']]);
    expect(event('permission-request')).toEqual([false, false]);
    expect(event('network-cancelled')[0]).toBe(true);

    const view = report.menu!.find((m) => m.label === 'View')!;
    expect(view.submenu).toContain('toggleDevTools'); // not packaged
    expect(report.menu!.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View', 'help']);

    // Quit went through will-quit → core.close(): the data-dir lock is released.
    expect(existsSync(join(userData, 'rackpilot.lock'))).toBe(false);
  });

  it('on a store error shows the core\'s message, quits with 1, and leaves the data alone', () => {
    const userData = join(tmp, 'locked');
    mkdirSync(userData, { recursive: true });
    // Another live process (this test runner) holds the data dir.
    writeFileSync(join(userData, 'rackpilot.lock'), String(process.pid));
    const { report } = runMain({ FAKE_USER_DATA: userData });
    expect(report.exitCode).toBe(1);
    const box = report.calls.find((c) => c[0] === 'showErrorBox')!;
    expect(box[1]).toBe('Rackpilot cannot start');
    expect(box[2]).toMatch(/Another Rackpilot \(pid \d+\) is already using/);
    expect(report.windows).toHaveLength(0);
    expect(existsSync(join(userData, 'rackpilot.lock'))).toBe(true);
  });

  it('a second instance quits at once without touching the data', () => {
    const userData = join(tmp, 'second');
    const { report } = runMain({ FAKE_SECOND_INSTANCE: '1', FAKE_USER_DATA: userData });
    expect(report.exitCode).toBe(0);
    expect(report.calls).toContainEqual(['quit']);
    expect(report.windows).toHaveLength(0);
    expect(existsSync(userData)).toBe(false);
  });
});
