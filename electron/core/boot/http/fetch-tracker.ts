/**
 * Coalesces asset requests into timeline events. A kernel is one request, but an ISO fetched
 * by casper or a squashfs by live-boot may be thousands of Range requests: the timeline gets one
 * event when a client starts on a file and one when it has been idle on it for a while, with
 * the bytes and the time in between.
 */
export interface FetchEvent {
  nodeId: string | null;
  client: string;
  file: string;
  phase: 'start' | 'end';
  bytes: number;
  requests: number;
  seconds: number;
}

interface Session {
  nodeId: string | null;
  startedAt: number;
  bytes: number;
  requests: number;
  active: number;
  idle: ReturnType<typeof setTimeout> | null;
}

export class FetchTracker {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly emit: (event: FetchEvent) => void,
    private readonly idleMs = 5000,
  ) {}

  /** Call when a request starts; call the returned function with the bytes sent when it ends. */
  begin(client: string, file: string, nodeId: string | null): (bytes: number) => void {
    const key = `${client}\n${file}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = { nodeId, startedAt: Date.now(), bytes: 0, requests: 0, active: 0, idle: null };
      this.sessions.set(key, s);
      this.emit({ nodeId, client, file, phase: 'start', bytes: 0, requests: 0, seconds: 0 });
    }
    const session = s;
    if (session.idle) clearTimeout(session.idle);
    session.idle = null;
    session.active++;
    session.requests++;
    let ended = false;
    return (bytes) => {
      if (ended) return;
      ended = true;
      session.bytes += bytes;
      session.active--;
      if (session.active === 0) {
        session.idle = setTimeout(() => this.finish(key, session, client, file), this.idleMs);
        session.idle.unref?.();
      }
    };
  }

  /** Emits the pending end events now (on shutdown). */
  flush(): void {
    for (const [key, s] of this.sessions) {
      if (s.idle) clearTimeout(s.idle);
      const [client = '', file = ''] = key.split('\n');
      this.finish(key, s, client, file);
    }
  }

  private finish(key: string, s: Session, client: string, file: string): void {
    this.sessions.delete(key);
    this.emit({ nodeId: s.nodeId, client, file, phase: 'end', bytes: s.bytes, requests: s.requests, seconds: (Date.now() - s.startedAt) / 1000 });
  }
}
