/**
 * The boot HTTP server (issue 3 item 6): a listener of its own, apart from the control API,
 * because nodes on the lab network must reach it and must never reach the API.
 *
 *   GET  /boot.ipxe?mac=…                       iPXE script from the node's lifecycle state
 *   GET  /assets/<id>/<file>      (and HEAD)    kernels, initrds, ISOs, squashfs; Range
 *   GET  /nocloud/<node>/<token>/<file>         NoCloud seed (meta-data, user-data, …)
 *   POST /phone-home/<node>/<token>             cloud-init phone_home: pins host keys
 *   GET  /ipxe/<file>             (and HEAD)    iPXE binaries, for UEFI HTTP boot
 */
import { statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { serveBootScript } from './boot-routes';
import { ClientMap, type BootContext, type BootHttpOptions } from './context';
import { FetchTracker } from './fetch-tracker';
import { sendFile } from './file-response';
import { safeSegments } from '../../files/safe-path';
import { acceptPhoneHome, notFound, serveSeed } from './seed-routes';

export type { BootHttpOptions } from './context';

export interface BootHttpServer {
  port: number;
  /** The URL nodes are told to use (advertisedUrl, or http://<host>:<port>). */
  url: string;
  close(): Promise<void>;
}

const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

export async function startBootHttpServer(options: BootHttpOptions): Promise<BootHttpServer> {
  const host = options.host ?? '0.0.0.0';
  const log = options.log;
  const keys = options.adminPublicKeys;
  const ctx: BootContext = {
    options: { ...options, localBoot: options.localBoot ?? 'exit' },
    inventory: options.inventory,
    profiles: options.profiles,
    adminPublicKeys: typeof keys === 'function' ? keys : () => keys,
    clients: new ClientMap(),
    log,
    timeline: (nodeId, summary, data, kind = 'boot.http') => {
      try {
        options.inventory.timeline(nodeId, { kind, summary, data });
      } catch (err) {
        log.warn('could not record a boot event', { summary, error: err instanceof Error ? err.message : String(err) });
      }
    },
  };
  const tracker = new FetchTracker((e) => {
    const mib = (e.bytes / 1048576).toFixed(1);
    const summary = e.phase === 'start' ? `started fetching ${e.file}` : `fetched ${e.file}: ${mib} MiB in ${e.seconds.toFixed(1)} s (${e.requests} request${e.requests === 1 ? '' : 's'})`;
    ctx.timeline(e.nodeId, summary, { file: e.file, client: e.client, bytes: e.bytes, requests: e.requests }, 'boot.asset');
  }, options.fetchIdleMs);

  let port = 0;
  const baseUrlFor = (req: IncomingMessage): string => {
    if (options.advertisedUrl) return options.advertisedUrl.replace(/\/+$/, '');
    const h = req.headers.host;
    if (h && HOST_HEADER.test(h)) return `http://${h}`;
    const local = req.socket.localAddress ?? '127.0.0.1';
    return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const url = new URL(req.url ?? '/', 'http://boot.invalid');
    const method = req.method ?? 'GET';
    const segments = safeSegments(url.pathname);
    const [top, a, b, c, ...rest] = segments ?? [];

    if (top === 'boot.ipxe' && !a) {
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      return serveBootScript(ctx, res, url.searchParams, client, baseUrlFor(req));
    }
    if (top === 'assets' && segments && segments.length > 1) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      return serveAsset(req, res, segments.slice(1).join('/'), client);
    }
    if (top === 'nocloud' && a && b && c && rest.length === 0) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      return serveSeed(ctx, res, a, b, c, client, baseUrlFor(req), method === 'HEAD');
    }
    if (top === 'ipxe' && a && !b) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      const path = options.ipxeBinary?.(a) ?? null;
      const stat = path ? safeStat(path) : null;
      if (!path || !stat?.isFile()) return notFound(res);
      ctx.timeline(null, `UEFI HTTP boot: sent ${a} to ${client}`, { client, file: a }, 'boot.http');
      sendFile(req, res, path, stat);
      return;
    }
    if (top === 'phone-home' && a && b && !c) {
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      return acceptPhoneHome(ctx, req, res, a, b, client);
    }
    notFound(res);
  };

  const serveAsset = (req: IncomingMessage, res: ServerResponse, rel: string, client: string): void => {
    const path = options.assets.resolve(rel);
    const stat = path ? safeStat(path) : null;
    if (!path || !stat?.isFile()) {
      ctx.timeline(ctx.clients.nodeOf(client), `asked for /assets/${rel}, which is not in the asset cache`, { client }, 'boot.error');
      return notFound(res);
    }
    const sent = sendFile(req, res, path, stat);
    if (req.method === 'HEAD' || sent.status === 304 || sent.status === 416) return;
    const end = tracker.begin(client, rel, ctx.clients.nodeOf(client));
    void sent.done.then(end);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error('boot HTTP request failed', { url: req.url?.replace(/\/[A-Za-z0-9_-]{16,}(\/|$)/g, '/…$1'), error: err instanceof Error ? err.stack : String(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error\n');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, host, options.port ?? 8080));
    server.once('error', onError);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  server.on('error', (err) => log.error('boot HTTP server error', { error: err.message }));
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = options.advertisedUrl?.replace(/\/+$/, '') ?? `http://${shownHost}:${port}`;
  log.info('boot HTTP server listening', { host, port, url });

  let closing: Promise<void> | null = null;
  return {
    port,
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        tracker.flush();
      });
      return closing;
    },
  };
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EACCES') {
    return new RackpilotError(
      ErrorCode.PortPrivileged,
      `Port ${port} needs privileges to listen on. Choose a port of 1024 or above (8080 is the default), or allow Node to bind low ports: sudo setcap cap_net_bind_service=+ep "$(readlink -f "$(which node)")".`,
      { port, host },
    );
  }
  if (err.code === 'EADDRINUSE') {
    return new RackpilotError(ErrorCode.PortInUse, `Port ${port} on ${host} is already in use by another program (another Rackpilot, nginx, a PXE server?). Stop it or choose another boot HTTP port.`, { port, host });
  }
  if (err.code === 'EADDRNOTAVAIL') {
    return new RackpilotError(ErrorCode.InterfaceUnavailable, `${host} is not an address of this machine; choose the address of the lab interface.`, { port, host });
  }
  return err;
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.writeHead(405, { Allow: allow, 'Content-Type': 'text/plain' }).end('method not allowed\n');
}

function safeStat(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
