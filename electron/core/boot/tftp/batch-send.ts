/**
 * Sending DATA packets: a whole window in one syscall through the native addon in
 * native/bind-device (`sendTftpData`: one UDP GSO send where the kernel takes it, else one
 * sendmmsg(2)), or packet by packet through dgram where the addon is
 * missing (not built, not Linux) or turned off. Profiling showed windowed transfers bound by one
 * sendto per datagram through dgram and libuv, plus a copy and two Buffer objects per packet; the
 * batch path builds each packet from a 4-byte header and a slice of the file's chunk, no copy.
 */
import type { Socket } from 'node:dgram';
import { nativeAddon, socketFd } from '../../native/addon';
import { dataPacket } from './packets';

interface BatchAddon {
  sendTftpData(fd: number, block: number, count: number, payload: Buffer, offset: number, blockSize: number): number;
}

/** Sends `count` DATA packets: block numbers from `block`, payloads consecutive from `payload[offset]`. */
export type DataSender = (block: number, count: number, payload: Buffer, offset: number, blockSize: number) => void;

let cached: BatchAddon | null | undefined;

function loadAddon(): BatchAddon | null {
  if (cached !== undefined) return cached;
  const addon = process.platform === 'linux' ? nativeAddon() : null;
  // An addon built before sendTftpData existed still serves DHCP; TFTP then uses dgram.
  cached = addon && !(addon instanceof Error) && typeof addon.sendTftpData === 'function' ? (addon as unknown as BatchAddon) : null;
  return cached;
}

/** Whether windows go out through sendmmsg in this process. */
export function canBatchSend(): boolean {
  return loadAddon() !== null;
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
