/**
 * File transfer over the node's connection (SFTP subsystem). Files land under a temporary name
 * and are renamed into place when complete, so a cancelled or failed transfer never leaves a
 * truncated file where a finished one is expected.
 */
import { rename, stat, unlink } from 'node:fs/promises';
import type { SFTPWrapper, TransferOptions } from 'ssh2';
import type { TransferProgress } from '../../../shared/domain/ssh';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { abortError, whenAborted } from '../abort';
import type { NodeConnection } from './connection';
import { describeTarget } from './target';

export interface TransferOptionsIn {
  signal?: AbortSignal;
  onProgress?: (p: TransferProgress) => void;
  /** File mode for uploads (e.g. 0o600 for secrets). */
  mode?: number;
}

/** Parallel requests in flight and their size: enough to fill a LAN link without hogging memory. */
const TUNING: TransferOptions = { concurrency: 64, chunkSize: 32 * 1024 };
const PART_SUFFIX = '.rackpilot-part';

export async function uploadFile(conn: NodeConnection, localPath: string, remotePath: string, opts: TransferOptionsIn = {}): Promise<TransferProgress> {
  const { size } = await stat(localPath);
  const part = remotePath + PART_SUFFIX;
  return withSftp(conn, opts.signal, `uploading ${localPath} to ${remotePath}`, async (sftp, aborted) => {
    try {
      await transfer((cb) => sftp.fastPut(localPath, part, { ...TUNING, ...(opts.mode !== undefined ? { mode: opts.mode } : {}), step: stepper(opts, size) }, cb), aborted);
      // posix-rename@openssh.com replaces an existing file atomically; plain SFTP rename refuses to.
      await new Promise<void>((resolve, reject) => sftp.ext_openssh_rename(part, remotePath, (err) => (err ? reject(err) : resolve())));
    } catch (err) {
      // After a cancel this session is closed: remove the partial file over a fresh one.
      await removeRemote(aborted() ? null : sftp, conn, part);
      throw err;
    }
    return { transferred: size, total: size };
  });
}

/** Best effort, bounded: a failed cleanup must not hide the transfer's own error. */
async function removeRemote(sftp: SFTPWrapper | null, conn: NodeConnection, path: string): Promise<void> {
  let session: SFTPWrapper | null = sftp;
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
  const attempt = (async () => {
    session ??= await conn.sftp();
    const s = session;
    await new Promise<void>((resolve) => s.unlink(path, () => resolve()));
    if (!sftp) s.end();
  })().catch(() => undefined);
  await Promise.race([attempt, timeout]);
}

export async function downloadFile(conn: NodeConnection, remotePath: string, localPath: string, opts: TransferOptionsIn = {}): Promise<TransferProgress> {
  const part = localPath + PART_SUFFIX;
  return withSftp(conn, opts.signal, `downloading ${remotePath} to ${localPath}`, async (sftp, aborted) => {
    const size = await new Promise<number>((resolve, reject) => sftp.stat(remotePath, (err, st) => (err ? reject(err) : resolve(st.size))));
    try {
      await transfer((cb) => sftp.fastGet(remotePath, part, { ...TUNING, step: stepper(opts, size) }, cb), aborted);
      await rename(part, localPath);
    } catch (err) {
      await unlink(part).catch(() => undefined);
      throw err;
    }
    return { transferred: size, total: size };
  });
}

/** Opens an SFTP session, runs `work`, closes the session; aborting closes it mid-transfer. */
async function withSftp<T>(conn: NodeConnection, signal: AbortSignal | undefined, what: string, work: (sftp: SFTPWrapper, aborted: () => boolean) => Promise<T>): Promise<T> {
  if (signal?.aborted) throw abortError();
  const sftp = await conn.sftp(signal);
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    // fastPut/fastGet cannot be cancelled: ending the session makes their pending requests fail.
    sftp.end();
  };
  const stopWatching = whenAborted(signal, onAbort);
  try {
    return await work(sftp, () => aborted);
  } catch (err) {
    if (aborted) throw abortError();
    if (err instanceof RackpilotError) throw err;
    throw new RackpilotError(ErrorCode.SshTransfer, `${what} on ${describeTarget(conn.target)} failed: ${(err as Error).message}. Check the path, free space and permissions on both sides.`);
  } finally {
    stopWatching();
    sftp.end();
  }
}

function transfer(start: (cb: (err: Error | null | undefined) => void) => void, aborted: () => boolean): Promise<void> {
  return new Promise((resolve, reject) =>
    start((err) => {
      if (aborted()) reject(abortError());
      else if (err) reject(err);
      else resolve();
    }),
  );
}

/** Progress at most every 100 ms: fastPut calls step for every 32 KiB chunk. */
function stepper(opts: TransferOptionsIn, size: number): (transferred: number, chunk: number, total: number) => void {
  let last = 0;
  return (transferred, _chunk, total) => {
    const now = performance.now();
    if (transferred < total && now - last < 100) return;
    last = now;
    opts.onProgress?.({ transferred, total: total || size });
  };
}
