/**
 * The project's one native addon (native/bind-device, N-API, built by `npm ci`): SO_BINDTODEVICE
 * for DHCP and batched TFTP sends. Found from the source tree, the dist/ bundle or
 * app.asar.unpacked, or at RACKPILOT_BIND_DEVICE_ADDON; loaded once.
 */
import type { Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const ADDON_REL = join('native', 'bind-device', 'build', 'Release', 'bind_device.node');
let cached: Record<string, unknown> | Error | undefined;

function findAddon(): string | null {
  const override = process.env.RACKPILOT_BIND_DEVICE_ADDON;
  if (override) return override;
  // An ESM bundle (a benchmark's) has no __dirname; it sets the override instead.
  if (typeof __dirname === 'undefined') return null;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const root of [dir, dir.replace(/app\.asar$/, 'app.asar.unpacked')]) {
      const candidate = join(root, ADDON_REL);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return null;
  }
}

/** The addon's exports, or an Error saying why it is not available. */
export function nativeAddon(): Record<string, unknown> | Error {
  if (cached) return cached;
  const path = findAddon();
  if (!path) {
    cached = new Error(`the native addon (${ADDON_REL}) was not built; run npm rebuild (needs a C compiler and python3)`);
    return cached;
  }
  try {
    cached = createRequire(path)(path) as Record<string, unknown>;
  } catch (err) {
    cached = new Error(`the native addon at ${path} failed to load: ${err instanceof Error ? err.message : String(err)}`);
  }
  return cached;
}

/**
 * A dgram socket's file descriptor, or -1. dgram keeps its handle behind a private symbol and
 * offers no public way to reach it; on Linux the handle has `fd`.
 */
export function socketFd(socket: Socket): number {
  const bag = socket as unknown as Record<symbol, { handle?: { fd?: number } } | undefined>;
  const stateSym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const fd = stateSym ? bag[stateSym]?.handle?.fd : undefined;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}
