/**
 * Which file of the built renderer answers a request path, for both faces that serve it: the
 * headless server over HTTP and the desktop app on app://. A real file is served as it is; an
 * extension-less path is a client-side route and gets index.html; a missing asset (a path with an
 * extension) is not found rather than the app, so a broken <script> fails loudly. Every lookup goes
 * through resolveInside, so no request leaves the root (`..`, encoded separators, symlinks).
 */
import { extname } from 'node:path';
import { resolveInside, safeSegments } from './safe-path';

export type UiFile =
  | { kind: 'file'; path: string }
  /** A path that tries to leave the root, or that does not decode. */
  | { kind: 'refused' }
  | { kind: 'missing-asset' }
  /** A client-side route (or the root), but there is no index.html: the UI is not built. */
  | { kind: 'not-built' };

export function findUiFile(root: string, pathname: string): UiFile {
  const isRoot = pathname.split('/').every((s) => s === '');
  const segments = isRoot ? [] : safeSegments(pathname);
  if (segments === null) return { kind: 'refused' };
  const file = isRoot ? null : resolveInside(root, pathname);
  if (file) return { kind: 'file', path: file };
  if (extname(segments.at(-1) ?? '') !== '') return { kind: 'missing-asset' };
  const index = resolveInside(root, '/index.html');
  return index ? { kind: 'file', path: index } : { kind: 'not-built' };
}

const CONTENT_TYPES: Record<string, string> = {
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

export function uiContentType(file: string): string {
  return CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
}
