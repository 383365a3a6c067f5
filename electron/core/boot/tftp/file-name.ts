/**
 * Turns the file name from a request into a safe relative path, or says why it is refused.
 * This is the first of two gates: the second (resolveInRoot) checks the real path on disk, so a
 * symlink inside a root cannot lead out of it.
 */

export type FileNameCheck = { ok: true; relative: string } | { ok: false; reason: string };

const MAX_NAME_BYTES = 255;

export function checkFileName(raw: string): FileNameCheck {
  if (raw.length === 0) return { ok: false, reason: 'empty file name' };
  if (raw.length > MAX_NAME_BYTES) return { ok: false, reason: `file name longer than ${MAX_NAME_BYTES} bytes` };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return { ok: false, reason: 'control character in file name' };
  // Windows-style names are a classic escape route (`..\..\`) and never name an iPXE binary.
  if (raw.includes('\\')) return { ok: false, reason: 'backslash in file name' };
  if (raw.startsWith('/')) return { ok: false, reason: 'absolute path' };
  // Bytes ≥ 0x80 arrive latin1-decoded; refusing them avoids two spellings of one file.
  if (/[^\x20-\x7e]/.test(raw)) return { ok: false, reason: 'non-ASCII file name' };
  const segments = raw.split('/');
  const kept: string[] = [];
  for (const s of segments) {
    if (s === '..') return { ok: false, reason: '".." in file name' };
    if (s === '' || s === '.') continue; // "a//b" and "./a" name the same file as "a/b" and "a"
    kept.push(s);
  }
  if (kept.length === 0) return { ok: false, reason: 'file name names no file' };
  return { ok: true, relative: kept.join('/') };
}
