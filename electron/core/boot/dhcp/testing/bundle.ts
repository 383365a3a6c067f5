/**
 * Test servers and clients run inside namespaces as child processes (`ip netns exec node …`), so
 * their TypeScript entry points are bundled to plain CommonJS first with esbuild.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ADDON_PATH = resolve(__dirname, '../../../../../native/bind-device/build/Release/bind_device.node');

/** Environment for bundled children: where the addon is, and node_modules for better-sqlite3. */
export const CHILD_ENV = { RACKPILOT_BIND_DEVICE_ADDON: ADDON_PATH, NODE_PATH: resolve(__dirname, '../../../../../node_modules') };

export async function bundleEntries(names: string[]): Promise<{ dir: string; path(name: string): string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), `rp-dhcp-${process.pid}-`));
  await build({
    entryPoints: names.map((n) => join(__dirname, `${n}.ts`)),
    outdir: dir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    external: ['better-sqlite3', '*.node'],
    logLevel: 'error',
  });
  return { dir, path: (n) => join(dir, `${n}.cjs`), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
