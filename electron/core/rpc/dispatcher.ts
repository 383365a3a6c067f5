/**
 * Transport-neutral request dispatch. A transport opens a Session per client connection and
 * feeds it raw frames; the session validates them, runs handlers with an AbortSignal and a
 * progress callback, and answers with res/err frames. Events from the bus go to every session.
 */
import { isMethodName, methods, type MethodName } from '../../../shared/contract';
import { ErrorCode } from '../../../shared/errors';
import { clientFrameSchema, MAX_FRAME_BYTES, NO_REQUEST_ID, type Frame } from '../../../shared/protocol';
import type { EventBus } from '../events/bus';
import type { Logger } from '../log';
import { toWireError, zodToRackpilot } from './errors';
import type { Handler, Handlers } from './handlers';
import { abortError } from '../abort';

export interface FrameSink {
  send(frame: Frame): void;
}

/** Most requests one client may have in flight; more are refused, not queued without bound. */
const MAX_INFLIGHT = 256;

export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  open(sink: FrameSink, label: string): Session {
    return new Session(this.handlers, this.bus, this.log, sink, label);
  }
}

export class Session {
  private readonly inflight = new Map<number, AbortController>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly handlers: Handlers,
    bus: EventBus,
    private readonly log: Logger,
    private readonly sink: FrameSink,
    readonly label: string,
  ) {
    this.unsubscribe = bus.subscribe((ch, d) => this.send({ t: 'event', ch, d }));
  }

  /** A frame as text (WebSocket). Size is checked before parsing. */
  receiveText(text: string): void {
    if (Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES) return this.reject(NO_REQUEST_ID, ErrorCode.TooLarge, tooLarge());
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.reject(NO_REQUEST_ID, ErrorCode.BadFrame, 'The message was not valid JSON; send one JSON frame per message.');
    }
    this.receive(value, false);
  }

  /** A frame as a structured-cloned value (Electron IPC). */
  receive(value: unknown, checkSize = true): void {
    if (this.closed) return;
    if (checkSize) {
      let size: number;
      try {
        size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
      } catch {
        return this.reject(NO_REQUEST_ID, ErrorCode.BadFrame, 'The message could not be serialised as JSON.');
      }
      if (size > MAX_FRAME_BYTES) return this.reject(idOf(value), ErrorCode.TooLarge, tooLarge());
    }
    const parsed = clientFrameSchema.safeParse(value);
    if (!parsed.success) {
      return this.reject(
        idOf(value),
        ErrorCode.BadFrame,
        'Malformed frame: expected {t:"req",id,m,a} or {t:"cancel",id}.',
      );
    }
    const frame = parsed.data;
    if (frame.t === 'cancel') {
      this.inflight.get(frame.id)?.abort();
      return;
    }
    if (this.inflight.has(frame.id)) {
      return this.reject(frame.id, ErrorCode.BadFrame, `Request id ${frame.id} is already in use on this connection.`);
    }
    if (this.inflight.size >= MAX_INFLIGHT) {
      return this.reject(frame.id, ErrorCode.TooLarge, `Too many requests in flight (limit ${MAX_INFLIGHT}); wait for some to finish.`);
    }
    if (!isMethodName(frame.m)) {
      return this.reject(frame.id, ErrorCode.UnknownMethod, `Unknown method "${frame.m}". Is the app and server the same version?`);
    }
    void this.run(frame.id, frame.m, frame.a);
  }

  private async run(id: number, m: MethodName, raw: unknown): Promise<void> {
    const controller = new AbortController();
    this.inflight.set(id, controller);
    try {
      const input = methods[m].input.safeParse(raw);
      if (!input.success) throw zodToRackpilot(input.error, m);
      const handler = this.handlers[m] as Handler<MethodName>;
      const result = await handler(input.data as never, {
        signal: controller.signal,
        progress: (p) => {
          if (!controller.signal.aborted) this.send({ t: 'progress', id, p });
        },
      });
      if (controller.signal.aborted) throw abortError();
      this.send({ t: 'res', id, r: result });
    } catch (err) {
      const e = toWireError(err, m, (cause, ref) =>
        this.log.error(`handler ${m} failed`, { ref, error: cause instanceof Error ? cause.stack : String(cause) }),
      );
      this.send({ t: 'err', id, e });
    } finally {
      this.inflight.delete(id);
    }
  }

  /** The transport went away: abort everything this client started and stop its events. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const c of this.inflight.values()) c.abort();
    this.inflight.clear();
  }

  private reject(id: number, code: string, message: string): void {
    this.send({ t: 'err', id, e: { code, message } });
  }

  private send(frame: Frame): void {
    if (this.closed) return;
    try {
      this.sink.send(frame);
    } catch (err) {
      this.log.warn(`could not send to ${this.label}`, { error: String(err) });
    }
  }
}

function idOf(value: unknown): number {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : NO_REQUEST_ID;
}

function tooLarge(): string {
  return `The message is larger than ${MAX_FRAME_BYTES / 1024} KiB; split it up or use a file import.`;
}

