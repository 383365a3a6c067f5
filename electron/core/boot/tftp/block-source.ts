/**
 * Where a transfer's bytes come from: a buffer in memory (generated files, small or converted
 * files) or an open file read ahead in chunks. Blocks already in memory are returned
 * synchronously, as a span of the buffer that holds them, so a window goes out without a trip
 * through the event loop and without a copy.
 */
import { read, close } from 'node:fs';

/**
 * Where block `index` lives: `buf` from byte `offset` holds it and the blocks after it, `blocks`
 * of them in all (counting the last, shorter or empty, block of the file).
 */
export interface Span {
  buf: Buffer;
  offset: number;
  blocks: number;
}

export interface BlockSource {
  readonly size: number;
  /**
   * The buffer holding block `index` (1-based, `blockSize` bytes; the last block is shorter,
   * maybe empty) and as many following blocks as are loaded with it.
   */
  span(index: number): Span | Promise<Span>;
  close(): void;
}

export function memorySource(data: Buffer, blockSize: number): BlockSource {
  const lastBlock = Math.floor(data.length / blockSize) + 1;
  return {
    size: data.length,
    span: (index) => ({ buf: data, offset: (index - 1) * blockSize, blocks: lastBlock - index + 1 }),
    close: () => undefined,
  };
}

/** About this much of a file is held per transfer (two chunks: the current one and the next). */
const CHUNK_TARGET_BYTES = 1024 * 1024;

export function fileSource(fd: number, size: number, blockSize: number): BlockSource {
  // Chunks hold whole blocks, so a block never straddles two reads.
  const blocksPerChunk = Math.max(1, Math.floor(CHUNK_TARGET_BYTES / blockSize));
  const chunkBytes = blocksPerChunk * blockSize;
  const lastBlock = Math.floor(size / blockSize) + 1;
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

  let current = -1; // the chunk the last call was in: housekeeping runs once per chunk, not per block
  const chunkFor = (index: number): Buffer | Promise<Buffer> => {
    const chunk = Math.floor((index - 1) / blocksPerChunk);
    if (chunk !== current) {
      current = chunk;
      // Forget chunks behind the window; start reading the next one before it is needed.
      for (const k of chunks.keys()) if (k < chunk - 1) chunks.delete(k);
      if (!chunks.has(chunk + 1) && (chunk + 1) * chunkBytes < size) {
        void Promise.resolve(load(chunk + 1)).catch(() => undefined);
      }
    }
    return load(chunk);
  };

  return {
    size,
    span(index) {
      const inChunk = (index - 1) % blocksPerChunk;
      const blocks = Math.min(blocksPerChunk - inChunk, lastBlock - index + 1);
      const got = chunkFor(index);
      const cut = (buf: Buffer): Span => ({ buf, offset: inChunk * blockSize, blocks });
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
