/**
 * Serves the built renderer on app://rackpilot/ (see security.ts for why not file://).
 * Read-only, GET/HEAD only; which file answers (no path escapes, SPA fallback to index.html) is
 * ui-file.ts's decision, shared with the headless server. Every response carries the CSP.
 * Uses the fetch API's Request/Response, which Electron's protocol.handle speaks and Node has too.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { findUiFile, uiContentType } from '../core/files/ui-file';
import { APP_HOST, APP_RESPONSE_HEADERS } from './security';

export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return reply(400, 'bad url');
    }
    if (url.host !== APP_HOST) return reply(404, 'not found');
    const found = findUiFile(root, url.pathname);
    if (found.kind !== 'file') {
      // Only a request for the app itself says the build is missing; anything else is just absent.
      const forTheApp = found.kind !== 'refused' && ['', '/', '/index.html'].includes(url.pathname);
      return forTheApp ? reply(503, 'The Rackpilot UI is not built. Run `npm run build`, then restart the app.') : reply(404, 'not found');
    }
    const body = request.method === 'HEAD' ? null : await readFile(found.path);
    return new Response(body, {
      status: 200,
      headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': uiContentType(found.path) },
    });
  };
}

function reply(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
