/**
 * One read transfer on its own socket (RFC 1350's per-transfer TID), connected to the client so
 * the kernel drops datagrams from anyone else. Lock-step windows (RFC 7440): send `windowSize`
 * blocks, wait for the ACK of the last one; an ACK for an earlier block restarts from the block
 * after it. Every way a transfer can end — success, client error, silence, socket error, the
 * server closing — goes through `finish` exactly once, which releases the socket and the file.
 */
import type { Socket } from 'node:dgram';
import { dataSender } from './batch-send';
import type { BlockSource, Span } from './block-source';
import { decodePacket, encodeError, Opcode, TftpErrorCode } from './packets';

export interface TransferSettings {
  blockSize: number;
  windowSize: number;
  timeoutMs: number;
  /** Retransmissions of one window (or of the OACK) before giving up. */
  retries: number;
  /** Hard ceiling on one transfer, so a client that ACKs just often enough cannot hold a slot forever. */
  maxTransferMs: number;
  /** Send windows with sendmmsg through the native addon when it is there (default true). */
  batchSend?: boolean;
}

export type TransferOutcome = 'ok' | 'probe' | 'aborted' | 'timeout' | 'error';

export interface TransferResult {
  outcome: TransferOutcome;
  /** Bytes the client acknowledged. */
  bytes: number;
  ms: number;
  /** Why it ended, when not 'ok' (the client's error message, "no ACK after 5 retries", …). */
  detail?: string;
}

export interface Transfer {
  /** Ends the transfer now, telling the client why (ERROR 0). */
  cancel(reason: string): void;
}

export function runTransfer(
  socket: Socket,
  source: BlockSource,
  oack: Buffer | null,
  settings: TransferSettings,
  onDone: (result: TransferResult) => void,
): Transfer {
  const started = performance.now();
  const { blockSize, windowSize } = settings;
  const lastBlock = Math.floor(source.size / blockSize) + 1;
  let phase: 'oack' | 'data' | 'done' = oack ? 'oack' : 'data';
  let base = 1; // first block not yet acknowledged
  let windowEnd = 0; // last block sent in the current window
  let retriesLeft = settings.retries;
  let generation = 0; // bumps whenever a new window starts, so a stalled read cannot send stale blocks
  let dupResent = false;
  // One coarse ticker per transfer instead of a timer re-armed on every ACK: at windowsize 1 an
  // ACK arrives every ~20 µs, and creating timers at that rate is measurable.
  let sentAt = 0; // when the current window (or OACK) last went out
  const tick = Math.max(10, Math.min(100, settings.timeoutMs / 4));
  const ticker = setInterval(() => {
    if (performance.now() - sentAt >= settings.timeoutMs) onTimeout();
  }, tick);

  const deadline = setTimeout(
    () => finish('timeout', `still running after ${settings.maxTransferMs / 1000} s`),
    settings.maxTransferMs,
  );

  function finish(outcome: TransferOutcome, detail?: string): void {
    if (phase === 'done') return;
    phase = 'done';
    clearInterval(ticker);
    clearTimeout(deadline);
    source.close();
    try {
      socket.close();
    } catch {
      // already closed after a socket error
    }
    const bytes = outcome === 'ok' ? source.size : Math.min(source.size, (base - 1) * blockSize);
    onDone({ outcome, bytes, ms: performance.now() - started, ...(detail ? { detail } : {}) });
  }

  function send(packet: Buffer | Buffer[]): void {
    if (phase !== 'done') socket.send(packet);
  }

  const sendData = dataSender(socket, settings.batchSend ?? true);

  function arm(): void {
    sentAt = performance.now();
  }

  function onTimeout(): void {
    if (phase === 'done') return;
    if (retriesLeft-- <= 0) {
      const what = phase === 'oack' ? 'the option acknowledgement' : `block ${windowEnd}`;
      finish('timeout', `no ACK for ${what} after ${settings.retries} retransmissions`);
      return;
    }
    if (phase === 'oack' && oack) {
      send(oack);
      arm();
    } else sendWindow(base);
  }

  function sendWindow(from: number): void {
    const gen = ++generation;
    windowEnd = Math.min(from + windowSize - 1, lastBlock);
    arm();
    sendBlocks(gen, from);
  }

  /** Sends blocks from `index` to windowEnd; continues after an asynchronous read if one is needed. */
  function sendBlocks(gen: number, index: number): void {
    while (index <= windowEnd && phase !== 'done') {
      const span = source.span(index);
      if (span instanceof Promise) {
        span.then(
          (s) => {
            if (gen !== generation || phase === 'done') return;
            sendSpan(index, s);
            sendBlocks(gen, index + Math.min(s.blocks, windowEnd - index + 1));
          },
          (err: unknown) => {
            send(encodeError(TftpErrorCode.NotDefined, 'read error on the server'));
            finish('error', `read failed: ${(err as Error).message}`);
          },
        );
        return;
      }
      sendSpan(index, span);
      index += Math.min(span.blocks, windowEnd - index + 1);
    }
  }

  function sendSpan(index: number, span: Span): void {
    try {
      sendData(index & 0xffff, Math.min(span.blocks, windowEnd - index + 1), span.buf, span.offset, blockSize);
    } catch (err) {
      socketError(err as NodeJS.ErrnoException);
    }
  }

  function socketError(err: NodeJS.ErrnoException): void {
    // ECONNREFUSED here is the ICMP "port unreachable" of a client that went away.
    finish('aborted', err.code === 'ECONNREFUSED' ? 'client port closed (ICMP unreachable)' : `socket error ${err.code ?? err.message}`);
  }

  function onAck(block16: number): void {
    if (phase === 'oack') {
      if (block16 !== 0) return;
      phase = 'data';
      retriesLeft = settings.retries;
      sendWindow(1);
      return;
    }
    // Block numbers wrap at 65535 → 0 (what tftpd-hpa and the common clients do); map the 16-bit
    // number onto the newest absolute block it can mean.
    const acked = windowEnd - ((windowEnd - block16) & 0xffff);
    if (acked < base - 1) return; // stale ACK from an earlier window
    if (acked === lastBlock) return finish('ok');
    if (acked === base - 1) {
      // A duplicate. Resending on every duplicate is the Sorcerer's Apprentice bug (RFC 1123
      // 4.2.3.1); with windows, one early resend per window recovers a loss without waiting.
      if (windowSize > 1 && !dupResent) {
        dupResent = true;
        sendWindow(base);
      }
      return;
    }
    base = acked + 1;
    dupResent = false;
    retriesLeft = settings.retries;
    sendWindow(base);
  }

  socket.on('message', (msg: Buffer) => {
    if (phase === 'done') return;
    // The common case first, without building a decoded object for each of thousands of ACKs.
    if (msg.length >= 4 && msg[0] === 0 && msg[1] === Opcode.ACK) return onAck((msg[2]! << 8) | msg[3]!);
    const p = decodePacket(msg);
    if (p.kind === 'ACK') onAck(p.block);
    else if (p.kind === 'ERROR') {
      // UEFI firmware asks for tsize, reads the OACK and ends with ERROR 8: a probe, not a failure.
      finish(phase === 'oack' ? 'probe' : 'aborted', `client sent ERROR ${p.code}${p.message ? ` "${p.message}"` : ''}`);
    }
    // Anything else from the client's own port is ignored: garbage must not end or stall a transfer.
  });
  socket.on('error', socketError);

  if (oack) {
    send(oack);
    arm();
  } else sendWindow(1);

  return {
    cancel(reason) {
      send(encodeError(TftpErrorCode.NotDefined, reason));
      finish('aborted', reason);
    },
  };
}
