/**
 * A node's serial console on disk, bounded: console.log grows to a cap, then becomes
 * console.log.1 (replacing the older one) and a fresh file starts. A node stuck in a boot loop
 * prints forever; the data dir must not fill up because of it.
 */
import { closeSync, existsSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const CONSOLE_FILE = 'console.log';
export const CONSOLE_ROTATED = 'console.log.1';
export const DEFAULT_CONSOLE_CAP = 1024 * 1024;

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export class ConsoleLog {
  private fd: number;
  private size: number;
  private readonly path: string;

  constructor(
    private readonly dir: string,
    private readonly capBytes = DEFAULT_CONSOLE_CAP,
  ) {
    this.path = join(dir, CONSOLE_FILE);
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = sizeOf(this.path);
  }

  write(chunk: Buffer | string): void {
    if (this.fd < 0) return;
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (data.length > this.capBytes) data = data.subarray(data.length - this.capBytes);
    if (this.size + data.length > this.capBytes) this.rotate();
    writeSync(this.fd, data);
    this.size += data.length;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private rotate(): void {
    closeSync(this.fd);
    renameSync(this.path, join(this.dir, CONSOLE_ROTATED));
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
  }
}

export interface ConsoleTail {
  text: string;
  size: number;
  truncated: boolean;
}

/** The last `tailBytes` of the console, across the rotated file and the current one. */
export function readConsoleTail(dir: string, tailBytes: number): ConsoleTail {
  const files = [join(dir, CONSOLE_ROTATED), join(dir, CONSOLE_FILE)].filter((p) => existsSync(p));
  const sizes = files.map(sizeOf);
  const size = sizes.reduce((a, b) => a + b, 0);
  let want = Math.min(tailBytes, size);
  const parts: Buffer[] = [];
  for (let i = files.length - 1; i >= 0 && want > 0; i--) {
    const take = Math.min(want, sizes[i] ?? 0);
    parts.unshift(readEnd(files[i] ?? '', sizes[i] ?? 0, take));
    want -= take;
  }
  const bytes = Buffer.concat(parts);
  return { text: bytes.toString('utf8'), size, truncated: bytes.length < size };
}

/** The last `take` bytes of a file measured at `fileSize`; less (or none) if a rotation moved it meanwhile. */
function readEnd(path: string, fileSize: number, take: number): Buffer {
  const buf = Buffer.alloc(take);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    return buf.subarray(0, readSync(fd, buf, 0, take, fileSize - take));
  } finally {
    closeSync(fd);
  }
}
