/**
 * An http.Agent whose "sockets" are SSH channels (DESIGN §6): every Docker Engine API request
 * dockerode makes opens one channel on the node's pooled connection — a forwarded Unix socket or a
 * `docker system dial-stdio` process — and the channel closes when the request ends. No TCP, no
 * extra SSH connection per request (docker-modem's own ssh mode makes one each time).
 */
import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';

/** Opens one byte stream to the engine's API socket. */
export type ChannelOpener = () => Promise<Duplex>;

export class ChannelAgent extends Agent {
  #open = 0;

  constructor(private readonly opener: ChannelOpener) {
    // No keep-alive: a request's channel closes with its response (Docker honours
    // `Connection: close`), so nothing idles on the node and a stream's end is the channel's end.
    super({ keepAlive: false });
  }

  /** Channels this agent holds open right now (tests and diagnostics). */
  get openChannels(): number {
    return this.#open;
  }

  // Node's Agent accepts the stream through the callback when createConnection returns nothing:
  // the channel opens asynchronously (the SSH handshake may still be under way), and an open
  // failure reaches the request as its 'error' — and so dockerode's rejection — unchanged.
  override createConnection(_options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    this.opener().then(
      (channel) => {
        this.#open++;
        channel.once('close', () => this.#open--);
        callback?.(null, asSocket(channel));
      },
      (err: unknown) => callback?.(err instanceof Error ? err : new Error(String(err)), undefined as unknown as Duplex),
    );
    return undefined;
  }
}

interface SocketLike {
  setTimeout?: unknown;
  setNoDelay?: unknown;
  setKeepAlive?: unknown;
  ref?: unknown;
  unref?: unknown;
}

/**
 * Node's HTTP client calls a few net.Socket methods (setTimeout when a request has a timeout,
 * setKeepAlive/unref on kept sockets) that an SSH channel lacks; as no-ops they are harmless,
 * since the SSH connection keeps its own keepalive.
 */
function asSocket(channel: Duplex): Duplex {
  const s = channel as Duplex & SocketLike;
  const noop = function (this: Duplex) {
    return this;
  };
  for (const m of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref'] as const) {
    if (typeof s[m] !== 'function') Object.defineProperty(s, m, { value: noop, configurable: true, writable: true });
  }
  return channel;
}
