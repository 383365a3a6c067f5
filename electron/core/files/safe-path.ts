/**
 * URL path → file inside a root, refusing every way out: `..` segments (also percent-encoded),
 * absolute paths, backslashes, NUL, and symlinks that point outside the root. Every file
 * Rackpilot serves from a directory goes through here: boot assets, and the built UI (ui-file.ts).
 */
import { realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/** Decoded, checked path segments, or null for anything suspicious. */
export function safeSegments(urlPath: string): string[] | null {
  const segments: string[] = [];
  for (const raw of urlPath.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return null;
    segments.push(seg);
  }
  return segments.length > 0 ? segments : null;
}

/** A regular file under `root` named by a URL path, or null. */
export function resolveInside(root: string, urlPath: string): string | null {
  const segments = safeSegments(urlPath);
  if (!segments) return null;
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(join(realRoot, ...segments));
    if (!real.startsWith(realRoot + sep)) return null; // a symlink out of the root
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** Serves every regular file under a directory (benchmarks, user folders of boot files). */
export function directoryResolver(root: string): { resolve(relPath: string): string | null } {
  return { resolve: (rel) => resolveInside(root, rel) };
}
