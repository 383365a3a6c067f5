/**
 * From an accepted read request to a running transfer: check the name, find the bytes, negotiate
 * options, open the transfer's own socket. Every refusal is answered with a TFTP error the client
 * can show and reported as an event, so the node's timeline says why its boot stopped.
 */
import { createSocket, type Socket } from 'node:dgram';
import { closeSync, readSync } from 'node:fs';
import { memorySource, fileSource, toNetascii, type BlockSource } from './block-source';
import { checkFileName } from './file-name';
import { IPXE_BINARIES, DEBIAN_IPXE_DIR } from './ipxe-binaries';
import type { TftpLimits } from './limits';
import { negotiateOptions } from './options';
import { encodeOack, printable, TftpErrorCode, type TftpRequest } from './packets';
import { resolveFile, type GeneratedFiles, type TftpClient } from './resolve-file';
import { runTransfer, type Transfer, type TransferOutcome } from './transfer';

/** What the lead puts on the node's timeline (the client's IP is what TFTP knows of a node). */
export interface TftpTransferEvent {
  ip: string;
  port: number;
  file: string;
  bytes: number;
  ms: number;
  outcome: TransferOutcome | 'refused';
  blksize?: number;
  windowsize?: number;
  tsize?: number;
  /** Where the bytes came from: a file path or `generated:<name>`. */
  origin?: string;
  detail?: string;
}

export interface ServeContext {
  host: string;
  family: 'udp4' | 'udp6';
  roots: readonly string[];
  generated: GeneratedFiles | undefined;
  limits: TftpLimits;
  /** Windows through sendmmsg when the native addon has it (TftpServerOptions.batchSend). */
  batchSend: boolean;
  /** Sends an error packet from the listening socket (rate-limited by the server). */
  refuse(client: TftpClient, code: number, message: string): void;
  report(event: TftpTransferEvent): void;
  /** Registers a running transfer; returns the function to call when it ends. */
  track(client: TftpClient, transfer: Transfer): () => void;
}

export async function serveRead(ctx: ServeContext, req: TftpRequest, client: TftpClient): Promise<void> {
  const t0 = performance.now();
  const file = printable(req.file);
  const refused = (code: number, message: string, detail: string) => {
    ctx.refuse(client, code, message);
    ctx.report({ ip: client.address, port: client.port, file, bytes: 0, ms: performance.now() - t0, outcome: 'refused', detail });
  };

  if (req.mode === 'mail') return refused(TftpErrorCode.IllegalOperation, 'mail mode is not supported', 'mail mode');
  const name = checkFileName(req.file);
  if (!name.ok) return refused(TftpErrorCode.AccessViolation, `Access violation: ${name.reason}`, name.reason);

  const found = await resolveFile(name.relative, client, ctx.generated, ctx.roots);
  if (!found.ok) {
    if (found.code === 'not-found') return refused(TftpErrorCode.FileNotFound, notFoundMessage(name.relative), found.reason);
    if (found.code === 'io') return refused(TftpErrorCode.NotDefined, 'Server could not read the file', found.reason);
    return refused(TftpErrorCode.AccessViolation, 'Access violation', found.reason);
  }

  let data: Buffer | null = found.kind === 'memory' ? found.data : null;
  if (req.mode === 'netascii') {
    if (found.kind === 'file') {
      data = readWholeFile(found.fd, found.size, ctx.limits.maxNetasciiBytes);
      if (!data) {
        return refused(TftpErrorCode.NotDefined, 'File too large for netascii mode: request it in octet (binary) mode', 'netascii too large');
      }
    }
    data = toNetascii(data!);
  }
  const size = data ? data.length : found.kind === 'file' ? found.size : 0;
  const deal = negotiateOptions(req.options, size, ctx.limits);
  const source: BlockSource =
    data !== null ? memorySource(data, deal.blockSize) : fileSource((found as { fd: number }).fd, size, deal.blockSize);

  let socket: Socket;
  try {
    socket = await openTransferSocket(ctx.family, ctx.host, client);
  } catch (err) {
    source.close();
    return refused(TftpErrorCode.NotDefined, 'Server could not open a transfer socket', (err as Error).message);
  }

  const settings = {
    blockSize: deal.blockSize,
    windowSize: deal.windowSize,
    timeoutMs: deal.timeoutMs,
    retries: ctx.limits.retries,
    maxTransferMs: ctx.limits.maxTransferMs,
    batchSend: ctx.batchSend,
  };
  const oack = deal.oack.size > 0 ? encodeOack(deal.oack) : null;
  let untrack: () => void = () => undefined;
  const transfer = runTransfer(socket, source, oack, settings, (result) => {
    untrack();
    ctx.report({
      ip: client.address,
      port: client.port,
      file,
      bytes: result.bytes,
      ms: performance.now() - t0,
      outcome: result.outcome,
      blksize: deal.blockSize,
      windowsize: deal.windowSize,
      ...(deal.oack.has('tsize') ? { tsize: size } : {}),
      origin: found.origin,
      ...(result.detail ? { detail: result.detail } : {}),
    });
  });
  untrack = ctx.track(client, transfer);
}

function notFoundMessage(relative: string): string {
  const isIpxe = IPXE_BINARIES.some((b) => b.name === relative);
  // The firmware shows this text on the node's console: make it say what to fix on the server.
  return isIpxe
    ? `File not found: ${relative}. On the Rackpilot host: apt-get install ipxe (${DEBIAN_IPXE_DIR}) or choose an iPXE folder`
    : 'File not found';
}

function readWholeFile(fd: number, size: number, max: number): Buffer | null {
  try {
    if (size > max) return null;
    const buf = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, buf, filled, size - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return buf.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

function openTransferSocket(family: 'udp4' | 'udp6', host: string, client: TftpClient): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: family });
    const fail = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once('error', fail);
    // Same local address as the listener, so replies leave from the address the client asked.
    socket.bind(0, host, () => {
      socket.connect(client.port, client.address, (err?: Error | null) => {
        if (err) return fail(err);
        socket.off('error', fail);
        resolve(socket);
      });
    });
  });
}
