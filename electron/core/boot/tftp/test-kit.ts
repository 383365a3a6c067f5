/**
 * Test helpers for the TFTP tests: a server on a free loopback port with temp roots, real client
 * processes, and a raw datagram client for sequences no real client produces (tsize probes ended
 * by ERROR 8, garbage, stalls). Test-only; not part of the service.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../log';
import { Opcode } from './packets';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function tempRoot(prefix = 'rackpilot-tftp-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const CLIENTS = { curl: '/usr/bin/curl', atftp: '/usr/bin/atftp', tftpHpa: '/usr/bin/tftp' } as const;
export function missingClients(): string[] {
  const pkg: Record<string, string> = { curl: 'curl', atftp: 'atftp', tftpHpa: 'tftp-hpa' };
  return Object.entries(CLIENTS)
    .filter(([, path]) => !existsSync(path))
    .map(([name]) => pkg[name]!);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], { timeoutMs = 20_000, killAfterMs }: { timeoutMs?: number; killAfterMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const hard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const soft = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(hard);
      clearTimeout(soft);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A raw client socket: send crafted datagrams, await the next reply (with its sender). */
export class RawClient {
  readonly socket: Socket = createSocket('udp4');
  private queue: { msg: Buffer; from: RemoteInfo }[] = [];
  private waiter: (() => void) | null = null;

  async open(): Promise<this> {
    this.socket.on('message', (msg, from) => {
      this.queue.push({ msg, from });
      this.waiter?.();
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', () => r()));
    return this;
  }

  send(packet: Buffer, port: number): void {
    this.socket.send(packet, port, '127.0.0.1');
  }

  async next(timeoutMs = 3000): Promise<{ msg: Buffer; from: RemoteInfo; op: number }> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no datagram within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = null;
    }
    const got = this.queue.shift()!;
    return { ...got, op: got.msg.length >= 2 ? got.msg.readUInt16BE(0) : -1 };
  }

  /** Datagrams that arrive within `ms`, drained. */
  async collect(ms: number): Promise<Buffer[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.splice(0).map((q) => q.msg);
  }

  close(): void {
    this.socket.close();
  }
}

export function rrq(file: string, options: Record<string, string> = {}, mode = 'octet', op: number = Opcode.RRQ): Buffer {
  const parts = [file, mode, ...Object.entries(options).flat()].map((s) => `${s}\0`).join('');
  return Buffer.concat([Buffer.from([0, op]), Buffer.from(parts, 'latin1')]);
}

export function ack(block: number): Buffer {
  return Buffer.from([0, Opcode.ACK, (block >> 8) & 0xff, block & 0xff]);
}

export function errorPacket(code: number, message: string): Buffer {
  return Buffer.concat([Buffer.from([0, Opcode.ERROR, 0, code]), Buffer.from(`${message}\0`, 'latin1')]);
}

export function parseOack(msg: Buffer): Record<string, string> {
  const fields = msg.subarray(2).toString('latin1').split('\0');
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}

export function errorOf(msg: Buffer): { code: number; message: string } | null {
  if (msg.readUInt16BE(0) !== Opcode.ERROR) return null;
  return { code: msg.readUInt16BE(2), message: msg.subarray(4).toString('latin1').replace(/\0.*$/s, '') };
}

/**
 * Downloads with the raw client, ACKing each window's last block (RFC 7440 receiver), handling
 * block-number rollover. Returns the bytes and what the server negotiated.
 */
export async function rawGet(
  port: number,
  file: string,
  options: Record<string, string> = {},
): Promise<{ data: Buffer; oack: Record<string, string> | null; blocks: number }> {
  const c = await new RawClient().open();
  try {
    c.send(rrq(file, options), port);
    let first = await c.next();
    const tid = first.from.port;
    let oack: Record<string, string> | null = null;
    if (first.op === Opcode.OACK) {
      oack = parseOack(first.msg);
      c.send(ack(0), tid);
      first = await c.next();
    }
    const blksize = Number(oack?.blksize ?? 512);
    const windowsize = Number(oack?.windowsize ?? 1);
    const chunks: Buffer[] = [];
    let expected = 1;
    let inWindow = 0;
    let blocks = 0;
    for (let p = first; ; p = await c.next()) {
      const err = errorOf(p.msg);
      if (err) throw new Error(`server sent ERROR ${err.code} ${err.message}`);
      const block = p.msg.readUInt16BE(2);
      if (block !== (expected & 0xffff)) continue; // out of order: wait for the retransmission
      const payload = p.msg.subarray(4);
      chunks.push(Buffer.from(payload));
      blocks++;
      const last = payload.length < blksize;
      if (last) {
        // Wait until the final ACK has left: closing the socket first would drop it, and the
        // server would see a client that vanished instead of a finished transfer.
        await new Promise<void>((r) => c.socket.send(ack(block), tid, '127.0.0.1', () => r()));
        break;
      }
      if (++inWindow === windowsize) {
        c.send(ack(block), tid);
        inWindow = 0;
      }
      expected++;
    }
    return { data: Buffer.concat(chunks), oack, blocks };
  } finally {
    c.close();
  }
}
