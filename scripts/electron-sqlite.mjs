// better-sqlite3 is a native addon: `npm ci` builds it for Node (the headless server and the
// tests), but Electron has its own ABI. Rather than rebuilding it in place — which would break
// `npm run serve` and `npm test` — this builds a second copy for the installed Electron version
// into node_modules/.cache and hands its path to the Electron main process (better-sqlite3's
// `nativeBinding` option, via RACKPILOT_SQLITE_BINDING). Built once per Electron version.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Returns { path } of an Electron-ABI better_sqlite3.node, or { reason } why there is none. */
export function ensureElectronSqlite(log = (line) => console.error(line)) {
  // An explicitly chosen build (packagers, or a developer who built one by hand) wins.
  const chosen = process.env.RACKPILOT_SQLITE_BINDING;
  if (chosen) return existsSync(chosen) ? { path: chosen } : { reason: `RACKPILOT_SQLITE_BINDING points at ${chosen}, which does not exist` };
  const electronVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version;
  const target = join(ROOT, 'node_modules/.cache/rackpilot', `better_sqlite3-electron-${electronVersion}-${process.platform}-${process.arch}.node`);
  if (existsSync(target)) return { path: target };

  const nodeGyp = process.env.npm_config_node_gyp;
  if (!nodeGyp || !existsSync(nodeGyp)) {
    return { reason: 'cannot build the SQLite driver for Electron: node-gyp not found (run through `npm start`)' };
  }
  log(`Rackpilot: building the SQLite driver for Electron ${electronVersion} (first start only, needs the internet for Electron's headers)…`);
  const work = mkdtempSync(join(tmpdir(), 'rackpilot-sqlite-'));
  try {
    cpSync(join(ROOT, 'node_modules/better-sqlite3'), work, { recursive: true, filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`) });
    const env = { ...process.env };
    // npm's nodedir setting points node-gyp at Node's headers; Electron needs its own.
    delete env.npm_config_nodedir;
    const build = spawnSync(
      process.execPath,
      [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'],
      { cwd: work, env, encoding: 'utf8' },
    );
    const built = join(work, 'build/Release/better_sqlite3.node');
    if (build.status !== 0 || !existsSync(built)) {
      const last = `${build.stderr ?? ''}${build.error?.message ?? ''}`.trim().split('\n').slice(-1)[0];
      return { reason: `could not build the SQLite driver for Electron (${last || `node-gyp exit ${build.status}`})` };
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, target);
    return { path: target };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
