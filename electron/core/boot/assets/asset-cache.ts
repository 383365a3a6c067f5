/**
 * The asset cache: kernels, initrds, ISOs and squashfs images under `<dataDir>/assets/<id>/`.
 * Downloads and imports run as jobs (progress, cancel, resume) and end with a SHA-256 check; a
 * file that fails it is deleted, never served. Only complete, checked files are served.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assetDownloadInput,
  assetImportInput,
  type AssetDownloadInput,
  type AssetEntry,
  type AssetImportInput,
  type AssetStatus,
  type AssetVerification,
} from '../../../../shared/domain/asset';
import type { Job } from '../../../../shared/domain/job';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import type { JobContext, JobsService } from '../../jobs/jobs-service';
import { zodToRackpilot } from '../../rpc/errors';
import { BUILT_IN_ASSETS } from './catalog';
import { downloadResumable, fetchText } from './download';
import { lookupSha256, parseSha256Sums } from './sha256sums';

export interface AssetCacheOptions {
  dataDir: string;
  jobs: JobsService;
  catalog?: readonly AssetEntry[];
  /** Pause between resume attempts (tests shorten it). */
  retryDelayMs?: number;
}

interface Verified {
  sha256: string;
  size: number;
  verification: AssetVerification;
  at: string;
}

/** Resolves a URL path under /assets/ to a file to serve, or null. */
export interface AssetResolver {
  resolve(relPath: string): string | null;
}

export class AssetCache implements AssetResolver {
  readonly root: string;
  private readonly catalog: ReadonlyMap<string, AssetEntry>;
  private readonly running = new Map<string, string>();

  constructor(private readonly opts: AssetCacheOptions) {
    this.root = join(opts.dataDir, 'assets');
    this.catalog = new Map((opts.catalog ?? BUILT_IN_ASSETS).map((e) => [e.id, e]));
  }

  entry(id: string): AssetEntry {
    const entry = this.catalog.get(id);
    if (!entry) throw new RackpilotError(ErrorCode.NotFound, `No asset "${id}" in the catalog; known: ${[...this.catalog.keys()].join(', ')}.`);
    return entry;
  }

  /** URL path the boot server serves the asset at. */
  urlPath(id: string): string {
    const e = this.entry(id);
    return `/assets/${encodeURIComponent(e.id)}/${encodeURIComponent(e.fileName)}`;
  }

  /** Path of the complete, verified file, or null while it is missing. */
  path(id: string): string | null {
    const e = this.entry(id);
    return this.verified(e) ? this.filePath(e) : null;
  }

  resolve(relPath: string): string | null {
    const [id, fileName, ...rest] = relPath.split('/');
    const e = id ? this.catalog.get(id) : undefined;
    if (!e || rest.length > 0 || fileName !== e.fileName) return null;
    return this.path(id ?? '');
  }

  list(): AssetStatus[] {
    return [...this.catalog.keys()].map((id) => this.status(id));
  }

  status(id: string): AssetStatus {
    const entry = this.entry(id);
    const jobId = this.running.get(id) ?? null;
    const done = this.verified(entry);
    const bytes = done ? done.size : fileSize(this.partPath(entry));
    const state = jobId ? 'downloading' : done ? 'ready' : bytes > 0 ? 'partial' : 'missing';
    return { entry, state, bytes, jobId, sha256: done?.sha256 ?? null, verification: done?.verification ?? null };
  }

  download(input: AssetDownloadInput): Job {
    const parsed = assetDownloadInput.safeParse(input);
    if (!parsed.success) throw zodToRackpilot(parsed.error, 'assets.download');
    const entry = this.entry(parsed.data.id);
    const url = entry.url;
    if (!url) throw new RackpilotError(ErrorCode.Validation, `${entry.name} has no download URL: ${entry.note ?? 'import it from a file'}`);
    const { allowUnverified } = parsed.data;
    if (!entry.sha256 && !entry.sums && !allowUnverified) {
      throw new RackpilotError(ErrorCode.ChecksumUnknown, `There is no published checksum for ${entry.name}, so Rackpilot cannot verify it. Download it without verification only if you trust the source, and compare the SHA-256 it shows with the publisher's.`);
    }
    return this.run(entry, 'asset.download', `Download ${entry.name}`, ['checksum', 'download', 'verify'], async (ctx) => {
      const expected = await this.expectedHash(entry, ctx, allowUnverified);
      ctx.phase('download');
      ctx.log(`Downloading ${url}`);
      await downloadResumable({
        url,
        partPath: this.partPath(entry),
        signal: ctx.signal,
        log: (line) => ctx.log(line),
        retryDelayMs: this.opts.retryDelayMs,
        onProgress: (bytes, total) => {
          const size = total ?? entry.size;
          if (size) ctx.progress(1 / 3 + (Math.min(bytes / size, 1) * 1) / 3);
        },
      });
      return this.finish(entry, ctx, expected);
    });
  }

  /** Copies a local file in (offline users), with the same verification as a download. */
  import(input: AssetImportInput): Job {
    const parsed = assetImportInput.safeParse(input);
    if (!parsed.success) throw zodToRackpilot(parsed.error, 'assets.import');
    const entry = this.entry(parsed.data.id);
    const source = parsed.data.path;
    let size: number;
    try {
      const st = statSync(source);
      if (!st.isFile()) throw new Error('not a regular file');
      size = st.size;
    } catch (err) {
      throw new RackpilotError(ErrorCode.NotFound, `Cannot import ${source}: ${err instanceof Error ? err.message : String(err)}.`);
    }
    const given = parsed.data.sha256 ?? null;
    if (entry.sha256 && given && given !== entry.sha256) {
      throw new RackpilotError(ErrorCode.Validation, `The SHA-256 you entered (${given}) differs from the one pinned for ${entry.name} (${entry.sha256}).`);
    }
    return this.run(entry, 'asset.import', `Import ${entry.name}`, ['copy', 'verify'], async (ctx) => {
      ctx.log(`Copying ${source} (${size} bytes)`);
      let copied = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          copied += chunk.length;
          ctx.progress(size ? (copied / size) * 0.5 : 0);
          done(null, chunk);
        },
      });
      await pipeline(createReadStream(source), counter, createWriteStream(this.partPath(entry)), { signal: ctx.signal });
      const expected = entry.sha256
        ? { sha256: entry.sha256, how: 'pinned' as const }
        : given
          ? { sha256: given, how: 'published-sums' as const }
          : null;
      return this.finish(entry, ctx, expected);
    });
  }

  private run(entry: AssetEntry, kind: string, title: string, phases: string[], work: (ctx: JobContext) => Promise<Verified>): Job {
    const current = this.running.get(entry.id);
    if (current) return this.opts.jobs.get(current);
    mkdirSync(join(this.root, entry.id), { recursive: true });
    const job = this.opts.jobs.start({ kind, title, phases }, async (ctx) => {
      try {
        return await work(ctx);
      } finally {
        this.running.delete(entry.id);
      }
    });
    this.running.set(entry.id, job.id);
    return job;
  }

  private async expectedHash(entry: AssetEntry, ctx: JobContext, allowUnverified: boolean): Promise<{ sha256: string; how: AssetVerification } | null> {
    if (entry.sha256) return { sha256: entry.sha256, how: 'pinned' };
    if (entry.sums) {
      ctx.log(`Looking up the published checksum in ${entry.sums.url}`);
      const sums = parseSha256Sums(await fetchText(entry.sums.url, ctx.signal));
      const sha256 = lookupSha256(sums, entry.sums.name);
      if (sha256) return { sha256, how: 'published-sums' };
      if (!allowUnverified) {
        throw new RackpilotError(ErrorCode.ChecksumUnknown, `${entry.sums.url} does not list ${entry.sums.name}, so ${entry.name} cannot be verified. Download it without verification only if you trust the source and compare the SHA-256 shown, or update the catalog.`);
      }
    }
    ctx.log('No published checksum: the file will be kept unverified; compare the SHA-256 below with the publisher\'s.');
    return null;
  }

  /** Hashes the .part, compares, and only then makes it the served file. */
  private async finish(entry: AssetEntry, ctx: JobContext, expected: { sha256: string; how: AssetVerification } | null): Promise<Verified> {
    ctx.phase('verify');
    const part = this.partPath(entry);
    const sha256 = await hashFile(part, ctx.signal);
    if (expected && sha256 !== expected.sha256) {
      await rm(part, { force: true });
      await rm(`${part}.json`, { force: true });
      throw new RackpilotError(
        ErrorCode.ChecksumMismatch,
        `Checksum mismatch for ${entry.name}: expected SHA-256 ${expected.sha256}, got ${sha256}. The file was deleted; download it again, and if this repeats the mirror or the catalog is wrong.`,
        { expected: expected.sha256, actual: sha256 },
      );
    }
    const size = (await stat(part)).size;
    const verified: Verified = { sha256, size, verification: expected?.how ?? 'unverified', at: new Date().toISOString() };
    await rename(part, this.filePath(entry));
    await rm(`${part}.json`, { force: true });
    await writeFile(this.metaPath(entry), JSON.stringify(verified));
    ctx.log(`SHA-256 ${sha256} (${verified.verification}); ${size} bytes ready at ${this.urlPath(entry.id)}`);
    return verified;
  }

  private verified(entry: AssetEntry): Verified | null {
    try {
      const meta = JSON.parse(readFileSync(this.metaPath(entry), 'utf8')) as Verified;
      return existsSync(this.filePath(entry)) && fileSize(this.filePath(entry)) === meta.size ? meta : null;
    } catch {
      return null;
    }
  }

  private filePath(e: AssetEntry): string {
    return join(this.root, e.id, e.fileName);
  }
  private partPath(e: AssetEntry): string {
    return `${this.filePath(e)}.part`;
  }
  private metaPath(e: AssetEntry): string {
    return join(this.root, e.id, '.verified.json');
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
