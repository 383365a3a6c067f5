/**
 * Serves one file the way boot clients need it: streaming (a 3 GiB ISO never sits in memory),
 * a single byte range (206/416), HEAD, Content-Length, Accept-Ranges, ETag/Last-Modified with
 * conditional requests. Several ranges in one request are answered with the whole file (RFC 9110
 * lets a server ignore Range; no boot client asks for multipart ranges).
 */
import { createReadStream, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';

const TYPES: Record<string, string> = {
  '.iso': 'application/x-iso9660-image',
  '.squashfs': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.ipxe': 'text/plain; charset=utf-8',
  '.cfg': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Big reads: fewer syscalls and event-loop turns per GiB (a 1 GiB file is 1024 reads). */
const CHUNK = 1024 * 1024;

export type ByteRange = { start: number; end: number };

/**
 * Parses a Range header against a size: a range, 'unsatisfiable', or null to send the whole file
 * (no header, another unit, several ranges, or syntax we do not understand).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return null;
  return { start, end };
}

export function etagOf(stat: Stats): string {
  return `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
}

export interface SendFileResult {
  status: number;
  /** Bytes the response will carry (0 for HEAD/304/416). */
  length: number;
  range: ByteRange | null;
  /** Resolves with the bytes actually sent once the response ends or the client goes away. */
  done: Promise<number>;
}

export function sendFile(req: IncomingMessage, res: ServerResponse, path: string, stat: Stats): SendFileResult {
  const etag = etagOf(stat);
  const lastModified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000).toUTCString();
  const headers: Record<string, string | number> = {
    'Content-Type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': lastModified,
    'Cache-Control': 'no-cache',
  };
  if (notModified(req, etag, stat)) {
    res.writeHead(304, headers).end();
    return { status: 304, length: 0, range: null, done: Promise.resolve(0) };
  }
  const ifRange = req.headers['if-range'];
  const rangeAllowed = ifRange === undefined || ifRange === etag || ifRange === lastModified;
  const range = rangeAllowed ? parseRange(req.headers.range, stat.size) : null;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${stat.size}`, 'Content-Length': 0 }).end();
    return { status: 416, length: 0, range: null, done: Promise.resolve(0) };
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? stat.size - 1;
  const length = stat.size === 0 ? 0 : end - start + 1;
  const status = range ? 206 : 200;
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${stat.size}`;
  headers['Content-Length'] = length;
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return { status, length: 0, range, done: Promise.resolve(0) };
  }
  let sent = 0;
  const stream = createReadStream(path, { start, end, highWaterMark: CHUNK });
  stream.on('data', (chunk) => (sent += chunk.length));
  const done = new Promise<number>((resolve) => {
    res.once('close', () => {
      stream.destroy();
      resolve(sent);
    });
  });
  // A read error mid-body cannot become an error status any more: cut the connection so the
  // client sees a short body (and retries) rather than a silently truncated file.
  stream.on('error', () => res.destroy());
  stream.pipe(res);
  return { status, length, range, done };
}

function notModified(req: IncomingMessage, etag: string, stat: Stats): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) return inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(stat.mtimeMs / 1000) * 1000 <= since;
}
