/**
 * Rackpilot's TFTP server: read-only, serving iPXE binaries from an ordered list of roots and
 * generated files from memory. Written on node:dgram rather than on the `tftp` npm package:
 * that package (0.1.2, unmaintained since 2015) crashes the whole process on a 1-byte datagram
 * sent to a transfer port, ignores the RFC 2349 timeout option and never checks the sender of a
 * datagram against the transfer's TID (all three checked by hand against 0.1.2). Its windowsize
 * and blksize handling is kept in spirit: same caps, same lock-step windows.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { createLogger, type Logger } from '../../log';
import { tftpBindError } from './bind-error';
import { withDefaults, type TftpLimits } from './limits';
import { decodePacket, encodeError, printable, TftpErrorCode } from './packets';
import type { GeneratedFiles, TftpClient } from './resolve-file';
import { serveRead, type ServeContext, type TftpTransferEvent } from './serve-read';
import type { Transfer } from './transfer';

export interface TftpServerOptions {
  /** Address to listen on: the lab interface's address in production. Default 0.0.0.0. */
  host?: string;
  /** Default 69; 0 picks a free port (tests). */
  port?: number;
  /** Searched in order: bundled assets, /usr/lib/ipxe, the user's folder. Missing ones are skipped. */
  roots: readonly string[];
  generated?: GeneratedFiles;
  onEvent?: (event: TftpTransferEvent) => void;
  log?: Logger;
  limits?: Partial<TftpLimits>;
  /**
   * Send each window in one sendmmsg(2) through the native addon (Linux, when built). Default
   * true; false forces dgram packet by packet, the path every other platform takes.
   */
  batchSend?: boolean;
}

export interface TftpServerStatus {
  listening: boolean;
  host: string;
  port: number;
  active: number;
  counts: Record<TftpTransferEvent['outcome'], number>;
  /** Requests turned away because a transfer cap was reached. */
  busy: number;
  /** Datagrams on the listening port that were not a valid request. */
  malformed: number;
}

export interface TftpServer {
  port: number;
  status(): TftpServerStatus;
  /** Stops listening and ends running transfers (clients get ERROR 0 "server shutting down"). */
  close(): Promise<void>;
}

/** Logs one line per key per interval, counting what it left out, so a flood cannot flood the log. */
function throttledLog(intervalMs = 10_000) {
  const last = new Map<string, { at: number; skipped: number }>();
  return (key: string, emit: (skipped: number) => void) => {
    const now = Date.now();
    const seen = last.get(key);
    if (seen && now - seen.at < intervalMs) {
      seen.skipped++;
      return;
    }
    emit(seen?.skipped ?? 0);
    last.set(key, { at: now, skipped: 0 });
    if (last.size > 1000) last.clear();
  };
}

/** Transfer slots: a total cap and a per-client cap, taken when a request is accepted. */
function transferSlots(limits: TftpLimits) {
  const perClient = new Map<string, number>();
  let total = 0;
  return {
    /** Why a new transfer from `ip` must wait, or null when a slot was taken. */
    acquire(ip: string): string | null {
      const mine = perClient.get(ip) ?? 0;
      if (total >= limits.maxTransfers) return `${limits.maxTransfers} transfers in total`;
      if (mine >= limits.maxTransfersPerClient) return `${limits.maxTransfersPerClient} transfers from ${ip}`;
      perClient.set(ip, mine + 1);
      total++;
      return null;
    },
    release(ip: string): void {
      const n = (perClient.get(ip) ?? 1) - 1;
      if (n <= 0) perClient.delete(ip);
      else perClient.set(ip, n);
      total--;
    },
  };
}

export async function startTftpServer(options: TftpServerOptions): Promise<TftpServer> {
  const host = options.host ?? '0.0.0.0';
  const family = isIP(host);
  if (family === 0) throw tftpBindError(Object.assign(new Error(`${host} is not an IP address`), { code: 'EINVAL' }), host, options.port ?? 69);
  const limits = withDefaults(options.limits);
  const log = options.log ?? createLogger();
  const throttled = throttledLog();
  const active = new Set<Transfer>();
  const slots = transferSlots(limits);
  const counts: TftpServerStatus['counts'] = { ok: 0, probe: 0, aborted: 0, timeout: 0, error: 0, refused: 0 };
  let busy = 0;
  let malformed = 0;
  let listening = false;

  const socket: Socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
  let replyBudget = limits.maxErrorRepliesPerSecond;
  const refill = setInterval(() => (replyBudget = limits.maxErrorRepliesPerSecond), 1000);
  refill.unref();
  const reply = (client: TftpClient, code: number, message: string) => {
    if (!listening || replyBudget <= 0) return;
    replyBudget--;
    socket.send(encodeError(code, message), client.port, client.address);
  };

  const ctx: ServeContext = {
    host,
    family: family === 6 ? 'udp6' : 'udp4',
    roots: options.roots,
    generated: options.generated,
    limits,
    batchSend: options.batchSend ?? true,
    refuse: reply,
    report(event) {
      counts[event.outcome]++;
      const fields = { ...event, ms: Math.round(event.ms) };
      if (event.outcome === 'ok') log.info('tftp: served file', fields);
      else if (event.outcome === 'probe') log.debug('tftp: size probe ended by client', fields);
      else throttled(`${event.outcome}:${event.ip}`, (skipped) => log.warn(`tftp: transfer ${event.outcome}`, { ...fields, ...(skipped ? { similarBefore: skipped } : {}) }));
      try {
        options.onEvent?.(event);
      } catch (err) {
        log.error('tftp: onEvent hook threw', { error: (err as Error).message });
      }
    },
    track: () => () => undefined, // replaced per request below
  };

  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    const client: TftpClient = { address: rinfo.address, port: rinfo.port };
    const packet = decodePacket(msg);
    if (packet.kind === 'WRQ') {
      reply(client, TftpErrorCode.AccessViolation, 'Access violation: this TFTP server is read-only');
      ctx.report({ ip: client.address, port: client.port, file: printable(packet.file), bytes: 0, ms: 0, outcome: 'refused', detail: 'write request (server is read-only)' });
      return;
    }
    if (packet.kind !== 'RRQ') {
      malformed++;
      throttled(`malformed:${rinfo.address}`, (skipped) =>
        log.debug('tftp: ignored a datagram that is not a request', { ip: rinfo.address, why: packet.kind === 'invalid' ? packet.reason : packet.kind, similarBefore: skipped }),
      );
      // ACKs/ERRORs for the listening port are strays; only malformed requests get an answer.
      if (packet.kind === 'invalid') reply(client, TftpErrorCode.IllegalOperation, 'Illegal TFTP operation');
      return;
    }
    const full = slots.acquire(client.address);
    if (full) {
      busy++;
      throttled(`busy:${full}`, (skipped) =>
        log.warn(`tftp: transfer cap reached (${full}); refusing new requests until one ends`, { file: printable(packet.file), ip: client.address, refusedBefore: skipped }),
      );
      reply(client, TftpErrorCode.NotDefined, 'Server busy: too many transfers, retry shortly');
      return;
    }
    // The slot is taken now (resolving the file is asynchronous and a flood must not overshoot
    // the cap) and given back when the transfer ends — or at once if it never starts.
    let handedOver = false;
    const track = (_c: TftpClient, transfer: Transfer) => {
      handedOver = true;
      active.add(transfer);
      // The file was still being looked up when close() ran: end this one too.
      if (!listening) queueMicrotask(() => transfer.cancel('server shutting down'));
      return () => {
        if (active.delete(transfer)) slots.release(client.address);
      };
    };
    serveRead({ ...ctx, track }, packet, client)
      .catch((err: unknown) => log.error('tftp: request failed unexpectedly', { error: (err as Error).message, file: printable(packet.file) }))
      .finally(() => {
        if (!handedOver) slots.release(client.address);
      });
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      clearInterval(refill);
      socket.close();
      reject(tftpBindError(err, host, options.port ?? 69));
    };
    socket.once('error', onError);
    socket.bind(options.port ?? 69, host, () => {
      socket.off('error', onError);
      resolve(socket.address().port);
    });
  });
  listening = true;
  // After bind, socket errors (e.g. ICMP feedback on some systems) are logged, never thrown.
  socket.on('error', (err) => log.warn('tftp: listening socket error', { error: err.message }));
  log.info('tftp: listening', { host, port, roots: options.roots });

  return {
    port,
    status: () => ({ listening, host, port, active: active.size, counts: { ...counts }, busy, malformed }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!listening) return resolve();
        listening = false;
        clearInterval(refill);
        for (const t of [...active]) t.cancel('server shutting down');
        socket.close(() => resolve());
      }),
  };
}
