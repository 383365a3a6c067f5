/**
 * Serves the built renderer on app://rackpilot/ (see security.ts for why not file://).
 * Read-only, GET/HEAD only, no path escapes (`..`, encoded separators, symlinks out of the root),
 * unknown extension-less paths fall back to index.html, and every response carries the CSP.
 * Uses the fetch API's Request/Response, which Electron's protocol.handle speaks and Node has too.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { APP_HOST, APP_RESPONSE_HEADERS } from './security';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

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
    const rel = relativePath(url.pathname);
    if (rel === null) return reply(404, 'not found');

    let file = await fileInside(root, rel);
    if (!file && extname(rel) === '') file = await fileInside(root, 'index.html');
    if (!file) {
      return rel === '' || rel === 'index.html'
        ? reply(503, 'The Rackpilot UI is not built. Run `npm run build`, then restart the app.')
        : reply(404, 'not found');
    }
    const body = request.method === 'HEAD' ? null : await readFile(file);
    return new Response(body, {
      status: 200,
      headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' },
    });
  };
}

/** The decoded, root-relative path, or null if it tries to leave the root or is malformed. */
function relativePath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  // After decoding, a backslash or NUL can only come from an encoded escape attempt.
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return null;
  return parts.join('/');
}

/** The real path of a regular file under root, or null (missing, a directory, or a symlink out). */
async function fileInside(root: string, rel: string): Promise<string | null> {
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(root, rel));
    const within = relative(realRoot, real);
    if (within === '..' || within.startsWith(`..${sep}`) || isAbsolute(within)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

function reply(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
