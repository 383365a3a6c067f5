/**
 * The typed RPC client. Transport-neutral: the same class talks over Electron's preload bridge,
 * a browser WebSocket, or (in tests) a Node WebSocket. No DOM or Node imports here.
 */
import type {
  EventChannel,
  Events,
  MethodInput,
  MethodName,
  MethodOutput,
  MethodProgress,
} from '../../shared/contract';
import { ErrorCode, RackpilotError } from '../../shared/errors';
import type { ClientFrame, Frame } from '../../shared/protocol';

/** What a transport must offer: send a frame, deliver frames, report that it closed. */
export interface RpcTransport {
  send(frame: ClientFrame): void;
  onFrame(cb: (frame: Frame) => void): () => void;
  onClose?(cb: (reason: string) => void): () => void;
}

export interface CallOptions<M extends MethodName> {
  signal?: AbortSignal;
  onProgress?: (p: MethodProgress<M>) => void;
}

interface Pending {
  resolve: (r: unknown) => void;
  reject: (e: RackpilotError) => void;
  onProgress?: (p: never) => void;
  cleanup: () => void;
}

type AnyListener = (data: never) => void;

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<AnyListener>>();
  private readonly detach: Array<() => void> = [];

  constructor(private readonly transport: RpcTransport) {
    this.detach.push(transport.onFrame((f) => this.onFrame(f)));
    if (transport.onClose) this.detach.push(transport.onClose((reason) => this.failAll(reason)));
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>, options: CallOptions<M> = {}): Promise<MethodOutput<M>> {
    const id = this.nextId++;
    const { signal, onProgress } = options;
    return new Promise<MethodOutput<M>>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RackpilotError(ErrorCode.Cancelled, `${method} was cancelled`));
        return;
      }
      const onAbort = () => this.transport.send({ t: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (r: unknown) => void,
        reject,
        onProgress: onProgress as ((p: never) => void) | undefined,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      try {
        this.transport.send({ t: 'req', id, m: method, a: input });
      } catch (err) {
        this.settle(id);
        reject(new RackpilotError(ErrorCode.Disconnected, `Could not reach the Rackpilot core: ${String(err)}`));
      }
    });
  }

  subscribe<C extends EventChannel>(channel: C, listener: (data: Events[C]) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener as AnyListener);
    return () => set.delete(listener as AnyListener);
  }

  /** Rejects every outstanding call; used when the transport drops. */
  failAll(reason: string): void {
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(new RackpilotError(ErrorCode.Disconnected, `Lost the connection to the Rackpilot core (${reason}).`));
    }
  }

  dispose(): void {
    for (const d of this.detach) d();
    this.failAll('client closed');
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (p) {
      this.pending.delete(id);
      p.cleanup();
    }
    return p;
  }

  private onFrame(frame: Frame): void {
    switch (frame.t) {
      case 'event':
        for (const l of this.listeners.get(frame.ch) ?? []) l(frame.d as never);
        return;
      case 'progress':
        this.pending.get(frame.id)?.onProgress?.(frame.p as never);
        return;
      case 'res':
        this.settle(frame.id)?.resolve(frame.r);
        return;
      case 'err': {
        const p = this.settle(frame.id);
        const error = new RackpilotError(frame.e.code, frame.e.message, frame.e.details);
        if (p) p.reject(error);
        else if (frame.id < 0) for (const l of this.listeners.get('__error') ?? []) l(error as never);
        return;
      }
      default:
        return;
    }
  }
}
