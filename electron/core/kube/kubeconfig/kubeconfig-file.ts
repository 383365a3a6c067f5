/**
 * The file side of merging into a user's kubeconfig: where it really is, a backup before it is
 * changed, and a write that can never leave half a file behind (a truncated ~/.kube/config locks
 * the user out of every cluster, not just this one). Everything is private: a kubeconfig holds
 * cluster-admin keys.
 */
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';

/** Expands a leading ~ and insists on an absolute path (the server's cwd means nothing to the user). */
export function expandKubeconfigPath(path: string): string {
  const expanded = path === '~' ? homedir() : path.startsWith('~/') ? resolve(homedir(), path.slice(2)) : path;
  if (!isAbsolute(expanded)) {
    throw new RackpilotError(ErrorCode.Validation, `The kubeconfig path "${path}" is relative: give an absolute path such as ${resolve(homedir(), '.kube/config')}.`);
  }
  return resolve(expanded);
}

/**
 * The file to change: a symlinked ~/.kube/config (dotfiles repositories do that) is followed, so
 * the link stays a link instead of being replaced by a copy.
 */
export function realKubeconfigPath(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path;
  }
}

export function readIfExists(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RackpilotError(ErrorCode.Validation, `Could not read ${path} (${(err as Error).message}): check its permissions, then merge again.`);
  }
}

/** yyyymmddThhmmss in UTC: sortable, and the same whatever the machine's time zone. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '');
}

/** Writes `content` to a new file that must not exist yet, 0600, flushed to disk. */
function writeNew(path: string, content: Buffer | string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies the original bytes to `<path>.rackpilot-<stamp>.bak` (never overwriting an older backup). */
export function writeBackup(path: string, original: Buffer, now: Date): string {
  const base = `${path}.rackpilot-${backupStamp(now)}`;
  let candidate = `${base}.bak`;
  for (let n = 2; existsSync(candidate); n++) candidate = `${base}-${n}.bak`;
  try {
    writeNew(candidate, original);
  } catch (err) {
    throw new RackpilotError(ErrorCode.Validation, `Could not back up ${path} to ${candidate} (${(err as Error).message}): nothing was changed. Check that the folder is writable, then merge again.`);
  }
  return candidate;
}

/** Temp file in the same folder + rename: readers see the old file or the new one, never a mix. */
export function writeAtomically(path: string, text: string): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new RackpilotError(ErrorCode.Validation, `Could not create ${dir} (${(err as Error).message}): create it yourself (mode 700), then merge again.`);
  }
  const tmp = `${path}.rackpilot-tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeNew(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new RackpilotError(ErrorCode.Validation, `Could not write ${path} (${(err as Error).message}): the file was left as it was. Check that its folder is writable, then merge again.`);
  }
}
