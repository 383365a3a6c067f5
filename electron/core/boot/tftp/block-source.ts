/**
 * Where a transfer's bytes come from: a buffer in memory (generated files, small or converted
 * files) or an open file read ahead in chunks. A block that is already in memory is returned
 * synchronously, so a window of blocks goes out without a trip through the event loop.
 */
import { read, close } from 'node:fs';

export interface BlockSource {
  readonly size: number;
  /** Block `index` (1-based) of `blockSize` bytes; the last block is shorter (maybe empty). */
  block(index: number): Buffer | Promise<Buffer>;
  close(): void;
}

export function memorySource(data: Buffer, blockSize: number): BlockSource {
  return {
    size: data.length,
    block: (index) => data.subarray((index - 1) * blockSize, index * blockSize),
    close: () => undefined,
  };
}

/** About this much of a file is held per transfer (two chunks: the current one and the next). */
const CHUNK_TARGET_BYTES = 256 * 1024;

export function fileSource(fd: number, size: number, blockSize: number): BlockSource {
  // Chunks hold whole blocks, so a block never straddles two reads.
  const blocksPerChunk = Math.max(1, Math.floor(CHUNK_TARGET_BYTES / blockSize));
  const chunkBytes = blocksPerChunk * blockSize;
  const chunks = new Map<number, Buffer | Promise<Buffer>>();
  let closed = false;

  const load = (chunk: number): Buffer | Promise<Buffer> => {
    const have = chunks.get(chunk);
    if (have) return have;
    const start = chunk * chunkBytes;
    const length = Math.max(0, Math.min(chunkBytes, size - start));
    const pending = new Promise<Buffer>((resolve, reject) => {
      if (length === 0) return resolve(Buffer.alloc(0));
      const buf = Buffer.allocUnsafe(length);
      readFully(fd, buf, start, (err) => {
        if (err) return reject(err);
        if (!closed) chunks.set(chunk, buf);
        resolve(buf);
      });
    });
    // The promise is replaced by the buffer once read; a failed read is retried by the next call.
    pending.catch(() => chunks.delete(chunk));
    chunks.set(chunk, pending);
    return pending;
  };

  return {
    size,
    block(index) {
      const chunk = Math.floor((index - 1) / blocksPerChunk);
      const offset = ((index - 1) % blocksPerChunk) * blockSize;
      // Forget chunks behind the window; start reading the next one before it is needed.
      for (const k of chunks.keys()) if (k < chunk - 1) chunks.delete(k);
      if (!chunks.has(chunk + 1) && (chunk + 1) * chunkBytes < size) {
        void Promise.resolve(load(chunk + 1)).catch(() => undefined);
      }
      const got = load(chunk);
      const cut = (buf: Buffer) => buf.subarray(offset, offset + blockSize);
      return Buffer.isBuffer(got) ? cut(got) : got.then(cut);
    },
    close() {
      if (closed) return;
      closed = true;
      chunks.clear();
      close(fd, () => undefined);
    },
  };
}

function readFully(fd: number, buf: Buffer, position: number, done: (err: Error | null) => void, filled = 0): void {
  read(fd, buf, filled, buf.length - filled, position + filled, (err, n) => {
    if (err) return done(err);
    // A file that shrank under us: serve what the size promised as an error, not as garbage.
    if (n === 0) return done(new Error('file shrank while being served'));
    if (filled + n < buf.length) return readFully(fd, buf, position, done, filled + n);
    done(null);
  });
}

/** RFC 1350 netascii: LF → CR LF and a bare CR → CR NUL. */
export function toNetascii(data: Buffer): Buffer {
  let extra = 0;
  for (const b of data) if (b === 0x0a || b === 0x0d) extra++;
  if (extra === 0) return data;
  const out = Buffer.allocUnsafe(data.length + extra);
  let j = 0;
  for (const b of data) {
    if (b === 0x0a) {
      out[j++] = 0x0d;
      out[j++] = 0x0a;
    } else if (b === 0x0d) {
      out[j++] = 0x0d;
      out[j++] = 0x00;
    } else out[j++] = b;
  }
  return out;
}
