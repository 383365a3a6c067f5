/**
 * Ties a dgram socket to one network interface with SO_BINDTODEVICE, through the small N-API
 * addon in native/bind-device. Node's dgram has no such option and no IP_PKTINFO, and without it a
 * responder on 0.0.0.0:67 hears every interface's broadcasts and cannot tell them apart.
 */
import type { Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';

interface BindDeviceAddon {
  bindToDevice(fd: number, ifname: string): void;
}

const ADDON_REL = join('native', 'bind-device', 'build', 'Release', 'bind_device.node');
let cached: BindDeviceAddon | Error | undefined;

/** Walks up from this file (source tree, dist/ bundle or app.asar.unpacked) to the addon. */
function findAddon(): string | null {
  const override = process.env.RACKPILOT_BIND_DEVICE_ADDON;
  if (override) return override;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const root of [dir, dir.replace(/app\.asar$/, 'app.asar.unpacked')]) {
      const candidate = join(root, ADDON_REL);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return null;
  }
}

function loadAddon(): BindDeviceAddon | Error {
  if (cached) return cached;
  const path = findAddon();
  if (!path) {
    cached = new Error(`the bind-device addon (${ADDON_REL}) was not built; run npm rebuild (needs a C compiler and python3)`);
    return cached;
  }
  try {
    cached = createRequire(__filename)(path) as BindDeviceAddon;
  } catch (err) {
    cached = new Error(`the bind-device addon at ${path} failed to load: ${err instanceof Error ? err.message : String(err)}`);
  }
  return cached;
}

export function canBindToDevice(): boolean {
  return process.platform === 'linux' && !(loadAddon() instanceof Error);
}

/** The socket's file descriptor. dgram keeps its handle behind a private symbol; on Linux it has `fd`. */
function socketFd(socket: Socket): number {
  const bag = socket as unknown as Record<symbol, { handle?: { fd?: number } } | undefined>;
  const stateSym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const fd = stateSym ? bag[stateSym]?.handle?.fd : undefined;
  if (typeof fd !== 'number' || fd < 0) throw new Error('cannot read the socket file descriptor (socket not bound?)');
  return fd;
}

export function bindSocketToDevice(socket: Socket, ifname: string): void {
  const addon = loadAddon();
  if (addon instanceof Error) {
    throw new RackpilotError(ErrorCode.InterfaceUnavailable, `Cannot keep DHCP on interface ${ifname}: ${addon.message}.`);
  }
  try {
    addon.bindToDevice(socketFd(socket), ifname);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'ENODEV'
        ? `there is no interface named ${ifname}`
        : code === 'EPERM'
          ? 'binding a socket to an interface needs root or CAP_NET_RAW (sudo setcap cap_net_raw,cap_net_bind_service=+ep $(which node))'
          : err instanceof Error
            ? err.message
            : String(err);
    throw new RackpilotError(ErrorCode.InterfaceUnavailable, `Cannot keep DHCP on interface ${ifname}: ${why}.`);
  }
}
