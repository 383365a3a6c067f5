/** Serves the built renderer over HTTP. Read-only; which file answers is ui-file.ts's decision. */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findUiFile, uiContentType } from '../core/files/ui-file';

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  try {
    decodeURIComponent(pathname);
  } catch {
    res.writeHead(400).end('bad path');
    return;
  }
  const found = findUiFile(root, pathname);
  if (found.kind === 'refused') {
    res.writeHead(404).end();
    return;
  }
  if (found.kind === 'missing-asset') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  if (found.kind === 'not-built') {
    res
      .writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end('The Rackpilot UI is not built. Run `npm run build` (or start with `npm run serve`), then reload.');
    return;
  }
  let size: number;
  try {
    size = statSync(found.path).size;
  } catch {
    res.writeHead(404).end(); // gone since it was found (a rebuild in progress)
    return;
  }
  // Vite names everything under assets/ by its content hash, so it never changes.
  const hashed = pathname.startsWith('/assets/');
  res.writeHead(200, {
    'Content-Type': uiContentType(found.path),
    'Content-Length': size,
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(found.path).on('error', () => res.destroy()).pipe(res);
}
