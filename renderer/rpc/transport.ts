/**
 * Picks the transport under the RPC client: Electron's preload bridge when present, otherwise a
 * WebSocket to the headless server that reconnects with backoff when it drops.
 */
import type { RackpilotBridge } from '../../shared/bridge';
import type { ClientFrame, Frame } from '../../shared/protocol';
import type { RpcTransport } from './client';
import { forgetToken, takeToken } from './token';

declare global {
  interface Window {
    /** electron/preload.ts exposes exactly this; absent in a browser. */
    rackpilot?: RackpilotBridge;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

/** A transport that also reports its connection state and when it has come back. */
export interface LiveTransport extends RpcTransport {
  readonly kind: 'ipc' | 'websocket';
  state(): ConnectionState;
  onState(cb: (state: ConnectionState) => void): () => void;
  /** Called after the transport reconnected (not on the first connect): time to refetch. */
  onReconnect(cb: () => void): () => void;
}

export type OpenResult =
  | { ok: true; transport: LiveTransport }
  | { ok: false; reason: 'unauthorized' }
  | { ok: false; reason: 'unreachable'; message: string };

type SessionCheck = 'ok' | 'unauthorized' | 'unreachable';

async function checkSession(token: string | null): Promise<SessionCheck> {
  try {
    const res = await fetch('/api/session', {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      cache: 'no-store',
    });
    if (res.status === 200) return 'ok';
    if (res.status === 401) return 'unauthorized';
    return 'unreachable';
  } catch {
    return 'unreachable';
  }
}

export async function openTransport(): Promise<OpenResult> {
  if (window.rackpilot) return { ok: true, transport: ipcTransport(window.rackpilot) };
  const token = takeToken();
  // Go straight for the socket: the usual case needs one handshake, not a check and then one.
  // Only when it fails do we ask /api/session why, since a browser cannot see a refused
  // handshake's status.
  const socket = new SocketTransport(token ?? '');
  if (await socket.firstOpen) return { ok: true, transport: socket };
  const session = await checkSession(token);
  if (session === 'unauthorized') {
    forgetToken();
    return { ok: false, reason: 'unauthorized' };
  }
  return { ok: false, reason: 'unreachable', message: `Cannot reach the Rackpilot server at ${window.location.host}.` };
}

function ipcTransport(bridge: RackpilotBridge): LiveTransport {
  return {
    kind: 'ipc',
    send: (frame) => bridge.send(frame),
    onFrame: (cb) => bridge.onFrame(cb),
    state: () => 'open',
    onState: () => () => {},
    onReconnect: () => () => {},
  };
}

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

class SocketTransport implements LiveTransport {
  readonly kind = 'websocket';
  /** True once the first handshake succeeds; false if it fails (the caller then asks why). */
  readonly firstOpen: Promise<boolean>;
  private ws: WebSocket | null = null;
  private current: ConnectionState = 'connecting';
  private attempt = 0;
  private everOpened = false;
  private readonly frameListeners = new Set<(frame: Frame) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private resolveFirstOpen: (opened: boolean) => void = () => {};

  constructor(private readonly token: string) {
    this.firstOpen = new Promise<boolean>((resolve) => (this.resolveFirstOpen = resolve));
    this.connect();
  }

  send(frame: ClientFrame): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      throw new Error('the connection is down; reconnecting');
    }
    this.ws.send(JSON.stringify(frame));
  }

  onFrame(cb: (frame: Frame) => void): () => void {
    this.frameListeners.add(cb);
    return () => this.frameListeners.delete(cb);
  }

  onClose(cb: (reason: string) => void): () => void {
    this.closeListeners.add(cb);
    return () => this.closeListeners.delete(cb);
  }

  state(): ConnectionState {
    return this.current;
  }

  onState(cb: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(cb);
    return () => this.stateListeners.delete(cb);
  }

  onReconnect(cb: () => void): () => void {
    this.reconnectListeners.add(cb);
    return () => this.reconnectListeners.delete(cb);
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    for (const l of this.stateListeners) l(state);
  }

  private connect(): void {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${window.location.host}/api?token=${encodeURIComponent(this.token)}`);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setState('open');
      if (this.everOpened) for (const l of this.reconnectListeners) l();
      this.everOpened = true;
      this.resolveFirstOpen(true);
    };
    ws.onmessage = (msg) => {
      if (typeof msg.data !== 'string') return;
      let frame: Frame;
      try {
        frame = JSON.parse(msg.data) as Frame;
      } catch {
        return;
      }
      for (const l of this.frameListeners) l(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.everOpened) {
        this.resolveFirstOpen(false);
        return;
      }
      for (const l of this.closeListeners) l(ev.reason || 'the server closed the connection');
      this.setState('reconnecting');
      void this.retry();
    };
  }

  private async retry(): Promise<void> {
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 8000;
    this.attempt++;
    await new Promise((r) => setTimeout(r, base + Math.random() * base * 0.3));
    // A browser cannot see a refused handshake's status, so ask: a restarted server has a new
    // token, and retrying forever with the old one would never succeed.
    const session = await checkSession(this.token);
    if (session === 'unauthorized') {
      forgetToken();
      this.setState('unauthorized');
      return;
    }
    if (session === 'unreachable') {
      void this.retry();
      return;
    }
    this.connect();
  }
}
