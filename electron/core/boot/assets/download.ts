/**
 * Resumable HTTP(S) download into a `.part` file. An interrupted transfer (the server or the
 * network drops mid-way, or Rackpilot restarts) continues with a Range request from where the
 * `.part` ends; If-Range with the first response's validator makes a changed upstream file start
 * over instead of producing a splice of two versions. The SHA-256 check afterwards is the
 * caller's — it is what finally decides whether the bytes are right.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { abortError, sleep, whenAborted } from '../../abort';

export interface DownloadOptions {
  url: string;
  partPath: string;
  signal: AbortSignal;
  onProgress(bytes: number, total: number | null): void;
  log(line: string): void;
  /** Attempts in one job before giving up (each resumes where the last stopped). */
  attempts?: number;
  retryDelayMs?: number;
}

interface Validator {
  url: string;
  etag?: string;
  lastModified?: string;
}

const MAX_REDIRECTS = 5;
const IDLE_TIMEOUT_MS = 60_000;

/** Resolves with the byte count when `.part` holds the whole file. */
export async function downloadResumable(opts: DownloadOptions): Promise<number> {
  const attempts = opts.attempts ?? 5;
  const delay = opts.retryDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await downloadOnce(opts);
    } catch (err) {
      if (opts.signal.aborted) throw abortError();
      const retryable = !(err instanceof RackpilotError) || err.code === ErrorCode.Unreachable;
      if (!retryable || attempt >= attempts) throw err;
      opts.log(`Transfer interrupted (${err instanceof Error ? err.message : String(err)}); resuming (attempt ${attempt + 1} of ${attempts})`);
      await sleep(delay * attempt, opts.signal);
    }
  }
}

async function downloadOnce(opts: DownloadOptions): Promise<number> {
  const validatorPath = `${opts.partPath}.json`;
  let have = await sizeOf(opts.partPath);
  const validator = have > 0 ? await readValidator(validatorPath, opts.url) : null;
  if (have > 0 && !validator) {
    await rm(opts.partPath, { force: true }); // a .part we cannot vouch for: start clean
    have = 0;
  }
  const headers: Record<string, string> = {};
  if (have > 0 && validator) {
    headers.Range = `bytes=${have}-`;
    const ifRange = validator.etag && !validator.etag.startsWith('W/') ? validator.etag : validator.lastModified;
    if (ifRange) headers['If-Range'] = ifRange;
  }
  const res = await request(opts.url, headers, opts.signal);

  if (res.statusCode === 416 && have > 0) {
    res.resume();
    const total = /\/(\d+)$/.exec(res.headers['content-range'] ?? '')?.[1];
    if (total !== undefined && Number(total) === have) return have; // already complete
    await rm(opts.partPath, { force: true });
    throw new RackpilotError(ErrorCode.Unreachable, 'the server refused to resume; starting over');
  }
  let flags: 'a' | 'w';
  let total: number | null;
  if (res.statusCode === 206 && have > 0) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (!range || Number(range[1]) !== have) {
      res.resume();
      await rm(opts.partPath, { force: true });
      throw new RackpilotError(ErrorCode.Unreachable, `the server resumed at the wrong offset (${res.headers['content-range'] ?? 'no Content-Range'}); starting over`);
    }
    flags = 'a';
    total = range[3] === '*' ? null : Number(range[3]);
    opts.log(`Resuming at ${have} bytes`);
  } else if (res.statusCode === 200) {
    if (have > 0) opts.log('The server sent the whole file again (it changed, or does not resume); starting over');
    flags = 'w';
    have = 0;
    const length = res.headers['content-length'];
    total = length !== undefined ? Number(length) : null;
    const next: Validator = { url: opts.url };
    if (res.headers.etag) next.etag = res.headers.etag;
    if (res.headers['last-modified']) next.lastModified = res.headers['last-modified'];
    // Synchronously: no await between the response and saveBody's listeners, or a connection
    // that closes in between would go unnoticed.
    writeFileSync(validatorPath, JSON.stringify(next));
  } else {
    res.resume();
    const status = res.statusCode ?? 0;
    const message = `${opts.url} answered HTTP ${status} ${res.statusMessage ?? ''}`.trim();
    // 5xx and 429 are worth retrying; 404 and friends are not.
    throw new RackpilotError(status >= 500 || status === 429 ? ErrorCode.Unreachable : ErrorCode.NotFound, message);
  }

  let bytes = have;
  opts.onProgress(bytes, total);
  try {
    bytes += await saveBody(res, opts.partPath, flags, opts.signal, (n) => opts.onProgress(bytes + n, total));
  } catch (err) {
    if (opts.signal.aborted) throw abortError();
    const written = await sizeOf(opts.partPath);
    throw new RackpilotError(ErrorCode.Unreachable, `connection lost after ${written} bytes (${err instanceof Error ? err.message : String(err)})`);
  }
  if (total !== null && bytes !== total) {
    throw new RackpilotError(ErrorCode.Unreachable, `the server closed the connection after ${bytes} of ${total} bytes`);
  }
  return bytes;
}

/**
 * Writes the body to the file and, unlike pipeline(), keeps every byte received before a
 * connection drops (pipeline destroys the file stream with its buffered writes), so a resume
 * loses nothing. Resolves with the bytes written; rejects after flushing if the body was cut.
 */
function saveBody(res: IncomingMessage, path: string, flags: 'a' | 'w', signal: AbortSignal, onBytes: (n: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path, { flags });
    let written = 0;
    let failure: Error | null = null;
    let ended = false;
    const stop = (err?: Error) => {
      if (err && !failure) failure = err;
      if (ended) return;
      ended = true;
      out.end();
    };
    const stopWatching = whenAborted(signal, () => res.destroy(abortError()));
    // Flowing mode, writing as data arrives: bytes parked in the response's buffer would be
    // thrown away if the connection then dies. Pause only when the disk falls far behind.
    res.on('data', (chunk: Buffer) => {
      written += chunk.length;
      onBytes(written);
      if (!out.write(chunk) && out.writableLength > 64 * 1024 * 1024) {
        res.pause();
        out.once('drain', () => res.resume());
      }
    });
    res.once('end', () => stop());
    res.once('error', (err) => stop(err));
    res.once('close', () => stop(res.complete ? undefined : new Error('the connection closed before the end of the body')));
    out.once('error', (err) => {
      failure ??= err;
      res.destroy();
    });
    out.once('close', () => {
      stopWatching();
      if (failure) reject(failure);
      else resolve(written);
    });
  });
}

function request(url: string, headers: Record<string, string>, signal: AbortSignal, redirects = 0): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new RackpilotError(ErrorCode.Validation, `"${url}" is not a URL`));
      return;
    }
    const get = parsed.protocol === 'https:' ? httpsGet : parsed.protocol === 'http:' ? httpGet : null;
    if (!get) {
      reject(new RackpilotError(ErrorCode.Validation, `${url}: only http and https downloads are supported`));
      return;
    }
    const req = get(parsed, { headers: { 'User-Agent': 'Rackpilot', ...headers }, signal, timeout: IDLE_TIMEOUT_MS }, (res) => {
      const location = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new RackpilotError(ErrorCode.Unreachable, `${url}: too many redirects`));
          return;
        }
        request(new URL(location, parsed).toString(), headers, signal, redirects + 1).then(resolve, reject);
        return;
      }
      resolve(res);
    });
    // A server that stops sending without closing would otherwise stall the job forever.
    req.on('timeout', () => req.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => {
      if (signal.aborted) reject(abortError());
      else reject(new RackpilotError(ErrorCode.Unreachable, `cannot reach ${parsed.host}: ${err.message}`));
    });
  });
}

/** Fetches a small text file (a SHA256SUMS list), capped so a wrong URL cannot eat memory. */
export async function fetchText(url: string, signal: AbortSignal, maxBytes = 1024 * 1024): Promise<string> {
  const res = await request(url, {}, signal);
  if (res.statusCode !== 200) {
    res.resume();
    throw new RackpilotError(ErrorCode.Unreachable, `${url} answered HTTP ${res.statusCode ?? 0}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      res.destroy();
      throw new RackpilotError(ErrorCode.TooLarge, `${url} is larger than ${maxBytes} bytes; that is not a checksum list`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function readValidator(path: string, url: string): Promise<Validator | null> {
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as Validator;
    return v.url === url ? v : null;
  } catch {
    return null;
  }
}

