/**
 * The connectivity check: resolve the node's address, open its SSH port, read the SSH banner.
 * It tells "off / wrong network" from "up but no sshd" from "sshd answering", which is the first
 * question when a node misbehaves — before any credentials are involved.
 */
import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import type { ConnectivityResult } from '../../../shared/domain/connectivity';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { JobContext } from '../jobs/jobs-service';
import { abortError } from '../abort';

export const CONNECTIVITY_PHASES = ['resolve', 'connect', 'banner'];

export interface ConnectivityTarget {
  name: string;
  address: string;
  port: number;
  timeoutMs: number;
}

export async function checkConnectivity(target: ConnectivityTarget, ctx: JobContext): Promise<ConnectivityResult> {
  const { name, address, port, timeoutMs } = target;
  if (address === '') {
    throw new RackpilotError(ErrorCode.Validation, `Node ${name} has no address yet. Edit the node and enter its IP address or host name.`);
  }
  ctx.phase('resolve');
  const resolved = isIP(address) ? address : await resolveName(address, timeoutMs, ctx.signal);
  ctx.log(isIP(address) ? `address ${address}` : `${address} resolves to ${resolved}`);

  ctx.phase('connect');
  const where = `${address}:${port}`;
  const started = performance.now();
  const socket = await openSocket(resolved, port, where, timeoutMs, ctx.signal);
  const connectMs = Math.round((performance.now() - started) * 10) / 10;
  ctx.log(`TCP connection to ${where} opened in ${connectMs} ms`);

  try {
    ctx.phase('banner');
    const banner = await readBanner(socket, where, timeoutMs, ctx.signal);
    ctx.log(`server says: ${banner}`);
    return { address, resolved, port, connectMs, banner };
  } finally {
    socket.destroy();
  }
}

async function resolveName(host: string, timeoutMs: number, signal: AbortSignal): Promise<string> {
  try {
    const result = await withTimeout(lookup(host), timeoutMs, signal, () =>
      new RackpilotError(ErrorCode.Timeout, `Looking up ${host} took longer than ${timeoutMs / 1000} s. Check the DNS server, or use the node's IP address.`),
    );
    return result.address;
  } catch (err) {
    if (err instanceof RackpilotError || signal.aborted) throw err;
    throw new RackpilotError(ErrorCode.Unreachable, `The host name ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? String(err)}). Check its spelling, or use the node's IP address.`);
  }
}

function openSocket(host: string, port: number, where: string, timeoutMs: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const fail = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onAbort = () => fail(abortError());
    const timer = setTimeout(
      () => fail(new RackpilotError(ErrorCode.Timeout, `No answer from ${where} within ${timeoutMs / 1000} s: the node may be off, on another network, or a firewall drops the traffic.`)),
      timeoutMs,
    );
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (err: NodeJS.ErrnoException) => fail(explainSocketError(err, where)));
    socket.connect(port, host, () => {
      cleanup();
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

function readBanner(socket: Socket, where: string, timeoutMs: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const finish = (err: Error | null, banner?: string) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('data');
      if (err) reject(err);
      else resolve(banner ?? '');
    };
    const onAbort = () => finish(abortError());
    const timer = setTimeout(
      () => finish(new RackpilotError(ErrorCode.Timeout, `${where} accepted the connection but sent no SSH greeting within ${timeoutMs / 1000} s. Is it an SSH server?`)),
      timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      // RFC 4253 §4.2: the server may send other lines first; the version line starts with "SSH-".
      for (const line of buffered.split(/\r?\n/).slice(0, -1)) {
        if (line.startsWith('SSH-')) return finish(null, line.trim());
      }
      if (buffered.length > 8192) {
        finish(new RackpilotError(ErrorCode.Unreachable, `${where} answered, but not as an SSH server (it sent: ${JSON.stringify(buffered.slice(0, 60))}). Check the node's SSH port.`));
      }
    });
    socket.once('end', () =>
      finish(new RackpilotError(ErrorCode.Unreachable, `${where} closed the connection without an SSH greeting${buffered ? ` (it sent: ${JSON.stringify(buffered.slice(0, 60))})` : ''}. Check the node's SSH port.`)),
    );
    socket.once('error', (err: NodeJS.ErrnoException) => finish(explainSocketError(err, where)));
  });
}

export function explainSocketError(err: NodeJS.ErrnoException, where: string): RackpilotError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new RackpilotError(ErrorCode.Unreachable, `Connection refused by ${where}: the machine is up but nothing listens on that port. Is sshd installed and running, and is the SSH port right?`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new RackpilotError(ErrorCode.Unreachable, `No route to ${where} (${err.code}): the node is off or on a network this computer cannot reach.`);
    case 'ECONNRESET':
      return new RackpilotError(ErrorCode.Unreachable, `${where} reset the connection: a firewall or sshd's MaxStartups may be refusing it.`);
    default:
      return new RackpilotError(ErrorCode.Unreachable, `Could not connect to ${where}: ${err.message}`);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, signal: AbortSignal, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
        onAbort = () => reject(abortError());
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

