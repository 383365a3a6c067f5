/**
 * Sending DATA packets: a whole window in one syscall through the native addon in
 * native/bind-device (`sendTftpData`: one UDP GSO send where the kernel takes it, else one
 * sendmmsg(2)), or packet by packet through dgram where the addon is
 * missing (not built, not Linux) or turned off. Profiling showed windowed transfers bound by one
 * sendto per datagram through dgram and libuv, plus a copy and two Buffer objects per packet; the
 * batch path builds each packet from a 4-byte header and a slice of the file's chunk, no copy.
 */
import type { Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { dataPacket } from './packets';

interface BatchAddon {
  sendTftpData(fd: number, block: number, count: number, payload: Buffer, offset: number, blockSize: number): number;
}

/** Sends `count` DATA packets: block numbers from `block`, payloads consecutive from `payload[offset]`. */
export type DataSender = (block: number, count: number, payload: Buffer, offset: number, blockSize: number) => void;

const ADDON_REL = join('native', 'bind-device', 'build', 'Release', 'bind_device.node');
let cached: BatchAddon | null | undefined;

/** Same lookup as the DHCP loader (dhcp/bind-device.ts): env override, then up from this file. */
function findAddon(): string | null {
  const override = process.env.RACKPILOT_BIND_DEVICE_ADDON;
  if (override) return override;
  // An ESM bundle (the benchmark's) has no __dirname; it sets the override instead.
  if (typeof __dirname === 'undefined') return null;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const root of [dir, dir.replace(/app\.asar$/, 'app.asar.unpacked')]) {
      const candidate = join(root, ADDON_REL);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return null;
  }
}

function loadAddon(): BatchAddon | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.platform !== 'linux') return cached;
  const path = findAddon();
  if (!path) return cached;
  try {
    const addon = createRequire(path)(path) as Partial<BatchAddon>;
    // An addon built before sendTftpData existed still serves DHCP; TFTP then uses dgram.
    if (typeof addon.sendTftpData === 'function') cached = addon as BatchAddon;
  } catch {
    // Not loadable here (wrong ABI, missing file): the portable path works everywhere.
  }
  return cached;
}

/** Whether windows go out through sendmmsg in this process. */
export function canBatchSend(): boolean {
  return loadAddon() !== null;
}

/** The socket's file descriptor (dgram keeps its handle behind a private symbol), or -1. */
function socketFd(socket: Socket): number {
  const bag = socket as unknown as Record<symbol, { handle?: { fd?: number } } | undefined>;
  const stateSym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const fd = stateSym ? bag[stateSym]?.handle?.fd : undefined;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

/** One DATA packet per dgram send: the portable path, and where the batch path stops short. */
function sendOneByOne(socket: Socket, block: number, count: number, payload: Buffer, offset: number, blockSize: number): void {
  for (let i = 0; i < count; i++) {
    const start = Math.min(payload.length, offset + i * blockSize);
    socket.send(dataPacket((block + i) & 0xffff, payload.subarray(start, Math.min(payload.length, start + blockSize))));
  }
}

/**
 * A sender for one connected transfer socket. `batch: false` forces the portable path. Send
 * errors from the batch path (ECONNREFUSED from a client that went away) are thrown with the
 * errno name in `code`, as dgram's own socket errors carry it.
 */
export function dataSender(socket: Socket, batch = true): DataSender {
  const addon = batch ? loadAddon() : null;
  const fd = addon ? socketFd(socket) : -1;
  if (!addon || fd < 0) return (block, count, payload, offset, blockSize) => sendOneByOne(socket, block, count, payload, offset, blockSize);
  return (block, count, payload, offset, blockSize) => {
    // Packets dgram still holds (after a full socket buffer) go first, so order is kept.
    const sent = socket.getSendQueueCount() === 0 ? addon.sendTftpData(fd, block, count, payload, offset, blockSize) : 0;
    if (sent < count) sendOneByOne(socket, block + sent, count - sent, payload, offset + sent * blockSize, blockSize);
  };
}
