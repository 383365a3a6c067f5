/**
 * Finds the bytes behind a requested name: generated files first (the lead's per-node files win
 * over anything on disk), then each root in order. The second gate against path escapes lives
 * here: the real path of the file (symlinks resolved) must stay inside the real path of its root.
 */
import { closeSync, constants, fstat, open, promises as fsp } from 'node:fs';
import { promisify } from 'node:util';
import { join, sep } from 'node:path';

export interface TftpClient {
  address: string;
  port: number;
}

const openFd = promisify(open);
const fstatFd = promisify(fstat);

/** A generated file: bytes, or a function producing them when requested. */
export type GeneratedFile = Buffer | (() => Buffer);
/** The lead wires either a map or a resolver (e.g. per-client files); undefined means "not mine". */
export type GeneratedResolver = (file: string, client: TftpClient) => Buffer | undefined | Promise<Buffer | undefined>;
export type GeneratedFiles = ReadonlyMap<string, GeneratedFile> | GeneratedResolver;

export type Resolved =
  | { ok: true; kind: 'memory'; data: Buffer; origin: string }
  | { ok: true; kind: 'file'; fd: number; size: number; origin: string }
  | { ok: false; code: 'not-found' | 'escape' | 'not-a-file' | 'io'; reason: string };

export async function resolveFile(
  relative: string,
  client: TftpClient,
  generated: GeneratedFiles | undefined,
  roots: readonly string[],
): Promise<Resolved> {
  let fromMemory: Buffer | undefined;
  try {
    fromMemory = await lookupGenerated(relative, client, generated);
  } catch (err) {
    // A bug in a generator must cost one request, not the server.
    return { ok: false, code: 'io', reason: `generating ${relative} failed: ${(err as Error).message}` };
  }
  if (fromMemory) return { ok: true, kind: 'memory', data: fromMemory, origin: `generated:${relative}` };

  for (const root of roots) {
    const rootReal = await fsp.realpath(root).catch(() => null);
    if (rootReal === null) continue; // a missing root (no bundled assets, folder removed) is skipped
    let real: string;
    try {
      real = await fsp.realpath(join(rootReal, relative));
    } catch {
      continue; // not in this root (or a dangling symlink): try the next one
    }
    if (real !== rootReal && !real.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep)) {
      return { ok: false, code: 'escape', reason: `${relative} in ${root} resolves to ${real}, outside the root` };
    }
    return openRegularFile(real);
  }
  return { ok: false, code: 'not-found', reason: `${relative} is in none of: ${roots.join(', ') || '(no roots)'}` };
}

async function lookupGenerated(
  relative: string,
  client: TftpClient,
  generated: GeneratedFiles | undefined,
): Promise<Buffer | undefined> {
  if (!generated) return undefined;
  if (typeof generated === 'function') return generated(relative, client);
  const entry = generated.get(relative);
  return typeof entry === 'function' ? entry() : entry;
}

async function openRegularFile(path: string): Promise<Resolved> {
  // O_NONBLOCK: opening a FIFO planted in a root must not hang the transfer; O_NOFOLLOW: the
  // path is already real, so a symlink appearing here means someone swapped it since realpath.
  // A raw descriptor (not a FileHandle): the block reader owns it and closes it with fs.close.
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = await openFd(path, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { ok: false, code: 'escape', reason: `${path} became a symlink` };
    if (code === 'ENOENT') return { ok: false, code: 'not-found', reason: `${path} vanished` };
    return { ok: false, code: 'io', reason: `cannot open ${path}: ${code ?? String(err)}` };
  }
  const st = await fstatFd(fd).catch(() => null);
  if (!st?.isFile()) {
    closeSync(fd);
    return { ok: false, code: 'not-a-file', reason: `${path} is not a regular file` };
  }
  return { ok: true, kind: 'file', fd, size: st.size, origin: path };
}
