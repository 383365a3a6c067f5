/**
 * A small QMP client over QEMU's unix socket: greeting, `qmp_capabilities`, then commands matched
 * to their replies by id, and events passed to listeners. Only what the power controls need
 * (system_powerdown, system_reset, quit, query-status, cont); not a general QMP library.
 */
import { createConnection, type Socket } from 'node:net';
import { encodeQmpCommand, QmpDecoder, type QmpEvent, type QmpMessage } from './qmp-framing';

export class QmpCommandError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    desc: string,
  ) {
    super(`QMP ${command} failed: ${errorClass}: ${desc}`);
    this.name = 'QmpCommandError';
  }
}

export interface QmpClient {
  /** QEMU's version from the greeting, e.g. 7.2.22. */
  readonly version: string;
  execute(command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<unknown>;
  onEvent(listener: (event: QmpEvent) => void): () => void;
  /** Settles when the connection is gone (QEMU exited, or close() was called). */
  readonly closed: Promise<void>;
  close(): void;
}

interface Pending {
  command: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function connectQmp(path: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<QmpClient> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const decoder = new QmpDecoder();
    const pending = new Map<number, Pending>();
    const listeners = new Set<(e: QmpEvent) => void>();
    let nextId = 1;
    let version = '';
    let ready = false;
    let gone = false;
    let markClosed: () => void = () => undefined;
    const closed = new Promise<void>((r) => (markClosed = r));

    const handshake = setTimeout(() => fail(new Error(`QMP at ${path} did not greet within ${timeoutMs} ms`)), timeoutMs);

    const fail = (err: Error) => {
      clearTimeout(handshake);
      socket.destroy();
      if (!ready) reject(err);
    };

    const send = (command: string, args: Record<string, unknown> | undefined, ms: number): Promise<unknown> => {
      if (gone) return Promise.reject(new Error(`QMP connection to ${path} is closed`));
      const id = nextId++;
      return new Promise((res, rej) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          rej(new Error(`QMP ${command} got no reply within ${ms} ms`));
        }, ms);
        pending.set(id, { command, resolve: res, reject: rej, timer });
        socket.write(encodeQmpCommand(id, command, args));
      });
    };

    const settle = (id: number | null, outcome: { value: unknown } | { error: Error }) => {
      const p = id === null ? undefined : pending.get(id);
      if (!p || id === null) return;
      pending.delete(id);
      clearTimeout(p.timer);
      if ('error' in outcome) p.reject(outcome.error);
      else p.resolve(outcome.value);
    };

    const handle = (msg: QmpMessage) => {
      switch (msg.kind) {
        case 'greeting':
          version = msg.version;
          send('qmp_capabilities', undefined, timeoutMs).then(() => {
            clearTimeout(handshake);
            ready = true;
            resolve(client);
          }, fail);
          return;
        case 'return':
          return settle(msg.id, { value: msg.value });
        case 'error':
          return settle(msg.id, { error: new QmpCommandError(pending.get(msg.id ?? -1)?.command ?? '?', msg.errorClass, msg.desc) });
        case 'event':
          for (const l of listeners) l(msg);
      }
    };

    socket.on('data', (chunk: Buffer) => {
      let messages: QmpMessage[];
      try {
        messages = decoder.push(chunk);
      } catch (err) {
        return fail(err instanceof Error ? err : new Error(String(err)));
      }
      messages.forEach(handle);
    });
    socket.on('error', (err) => fail(err));
    socket.on('close', () => {
      gone = true;
      clearTimeout(handshake);
      if (!ready) reject(new Error(`QMP at ${path} closed before the handshake finished`));
      for (const [id, p] of pending) {
        pending.delete(id);
        clearTimeout(p.timer);
        // `quit` is answered by QEMU going away; the reply itself may not make it out first.
        if (p.command === 'quit') p.resolve({});
        else p.reject(new Error(`QMP connection closed while ${p.command} was waiting for its reply`));
      }
      markClosed();
    });

    const client: QmpClient = {
      get version() {
        return version;
      },
      execute: (command, args, ms = timeoutMs) => send(command, args, ms),
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      closed,
      close: () => destroy(socket),
    };
  });
}

function destroy(socket: Socket): void {
  socket.end();
  socket.destroy();
}
