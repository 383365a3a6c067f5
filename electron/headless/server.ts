/**
 * The headless face: HTTP for the built renderer plus the API over WebSocket, carrying the same
 * frames as Electron IPC. Used by `npm run serve`, by the UI tests, and by people who run the
 * boot services on an always-on box in the rack.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode } from '../../shared/errors';
import { MAX_FRAME_BYTES } from '../../shared/protocol';
import type { App } from '../core/app';
import type { Logger } from '../core/log';
import { isLoopbackHost, newToken, originAllowed, tokenFromRequest, tokenMatches } from './access';
import { serveStatic } from './static-files';

export interface HeadlessOptions {
  app: App;
  log: Logger;
  host: string;
  port: number;
  rendererDir: string;
  /** Required to listen on anything but loopback. */
  allowRemote?: boolean;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
}

export interface HeadlessServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Frames above MAX_FRAME_BYTES get an E_TOO_LARGE answer; far larger ones drop the socket. */
const HARD_PAYLOAD_LIMIT = 4 * MAX_FRAME_BYTES;
const HEARTBEAT_MS = 30_000;

export class StartupError extends Error {}

export async function startHeadlessServer(opts: HeadlessOptions): Promise<HeadlessServer> {
  const { app, log } = opts;
  if (!isLoopbackHost(opts.host) && !opts.allowRemote) {
    throw new StartupError(
      `Refusing to listen on ${opts.host}: that is not a loopback address, so other machines could reach the API. ` +
        'Pass --allow-remote to do it anyway (the token is still required).',
    );
  }
  const token = opts.token ?? newToken();
  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_PAYLOAD_LIMIT });

  const http = createServer((req, res) => handleHttp(req, res));
  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/session') {
      const ok = tokenMatches(token, tokenFromRequest(url, req.headers.authorization));
      res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(ok ? { ok: true } : { code: ErrorCode.Unauthorized, message: unauthorizedMessage() }));
      return;
    }
    if (url.pathname.startsWith('/api')) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: ErrorCode.NotFound, message: 'The API is a WebSocket at /api.' }));
      return;
    }
    serveStatic(opts.rendererDir, req, res, url.pathname);
  }

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, text: string) => {
      log.warn('refused API connection', { status, remote: req.socket.remoteAddress, reason: text });
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api') return refuse(404, 'Not Found');
    if (!tokenMatches(token, tokenFromRequest(url, req.headers.authorization))) return refuse(401, 'Unauthorized');
    if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
  });

  function attach(ws: WebSocket, label: string): void {
    const session = app.dispatcher.open({ send: (frame) => ws.send(JSON.stringify(frame)) }, `ws ${label}`);
    let alive = true;
    ws.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, HEARTBEAT_MS);
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? Buffer.concat(toBuffers(data)).toString('utf8') : data.toString();
      session.receiveText(text);
    });
    ws.on('close', () => {
      clearInterval(heartbeat);
      session.close();
    });
    ws.on('error', (err) => log.warn('websocket error', { label, error: err.message }));
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', (err: NodeJS.ErrnoException) => reject(explainListenError(err, opts.host, opts.port)));
    http.listen(opts.port, opts.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const hostInUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;

  return {
    url: `http://${hostInUrl}:${port}/#token=${token}`,
    port,
    token,
    close: () => closeAll(http, wss),
  };
}

function toBuffers(data: Buffer | ArrayBuffer | Buffer[]): Buffer[] {
  if (Array.isArray(data)) return data;
  return [Buffer.isBuffer(data) ? data : Buffer.from(data)];
}

function unauthorizedMessage(): string {
  return 'This Rackpilot server needs its access token. Open the URL the server printed at start (it ends in #token=…).';
}

function explainListenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new StartupError(`Port ${port} on ${host} is already in use. Pass --port to choose another (or --port 0 for any free port).`);
    case 'EACCES':
      return new StartupError(`Not allowed to listen on port ${port}: ports below 1024 need root or CAP_NET_BIND_SERVICE. Pass --port with a higher port.`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`${host} is not an address of this machine. Pass --host with one of its addresses.`);
    default:
      return new StartupError(`Could not listen on ${host}:${port}: ${err.message}`);
  }
}

async function closeAll(http: Server, wss: WebSocketServer): Promise<void> {
  for (const client of wss.clients) client.terminate();
  wss.close();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}
