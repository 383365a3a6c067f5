/**
 * Downloads against a real HTTP server started here (loopback): resume after the server drops
 * the connection mid-way, checksum lookup and mismatch, cancel, and import from a file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssetEntry } from '../../../../shared/domain/asset';
import { createTempApp, tempDir, type TempApp } from '../../testing/temp-app';
import { AssetCache } from './asset-cache';

const BODY = randomBytes(3 * 1024 * 1024 + 123);
const SHA = createHash('sha256').update(BODY).digest('hex');

interface Peer {
  server: Server;
  base: string;
  requests: IncomingHttpHeaders[];
  /** Per request number (1-based): drop the connection after this many bytes. */
  dropAfter: Map<number, number>;
  /** Bytes per 50 ms (slow mode, for cancel). */
  slow: number | null;
}

async function startPeer(): Promise<Peer> {
  const peer: Peer = { server: createServer(), base: '', requests: [], dropAfter: new Map(), slow: null };
  peer.server.on('request', (req, res) => {
    peer.requests.push(req.headers);
    const n = peer.requests.length;
    if (req.url === '/SHA256SUMS') {
      res.end(`${'0'.repeat(64)}  ./other.bin\n${SHA}  ./netboot/linux\n`);
      return;
    }
    if (req.url !== '/netboot/linux') {
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && req.headers['if-range'] === '"v1"') {
      start = Number(range[1]);
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${BODY.length - 1}/${BODY.length}`, 'Content-Length': BODY.length - start, ETag: '"v1"' });
    } else {
      res.writeHead(200, { 'Content-Length': BODY.length, ETag: '"v1"' });
    }
    const drop = peer.dropAfter.get(n);
    if (drop === 0) {
      req.socket.destroy();
      return;
    }
    if (drop !== undefined) {
      // A clean FIN mid-body: the client gets exactly `drop` bytes, then a premature close.
      res.write(BODY.subarray(start, start + drop), () => res.socket?.end());
      return;
    }
    if (peer.slow) {
      let at = start;
      const timer = setInterval(() => {
        if (res.destroyed || at >= BODY.length) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(BODY.subarray(at, at + (peer.slow ?? 1)));
        at += peer.slow ?? 1;
      }, 50);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.end(BODY.subarray(start));
  });
  await new Promise<void>((r) => peer.server.listen(0, '127.0.0.1', r));
  peer.base = `http://127.0.0.1:${(peer.server.address() as AddressInfo).port}`;
  return peer;
}

let t: TempApp;
let peer: Peer;
let cache: AssetCache;

function entry(over: Partial<AssetEntry> = {}): AssetEntry {
  return { id: 'k', name: 'Test kernel', role: 'kernel', fileName: 'linux', url: `${peer.base}/netboot/linux`, sha256: null, sums: { url: `${peer.base}/SHA256SUMS`, name: 'netboot/linux' }, ...over };
}

function makeCache(entries: AssetEntry[]) {
  cache = new AssetCache({ dataDir: t.dir, jobs: t.app.services.jobs, catalog: entries, retryDelayMs: 10 });
}

beforeEach(async () => {
  t = createTempApp();
  peer = await startPeer();
});
afterEach(async () => {
  peer.server.closeAllConnections();
  await new Promise((r) => peer.server.close(r));
  await t.close();
});

describe('AssetCache downloads', () => {
  it('looks the hash up in SHA256SUMS, downloads, verifies and serves the file', async () => {
    makeCache([entry()]);
    expect(cache.status('k').state).toBe('missing');
    const job = cache.download({ id: 'k' });
    expect(cache.status('k')).toMatchObject({ state: 'downloading', jobId: job.id });
    const done = await t.app.services.jobs.settled(job.id);
    expect(done.state).toBe('succeeded');
    expect(cache.status('k')).toMatchObject({ state: 'ready', sha256: SHA, verification: 'published-sums', bytes: BODY.length });
    const path = cache.resolve('k/linux');
    expect(path && readFileSync(path).equals(BODY)).toBe(true);
    expect(cache.resolve('k/linux.part')).toBeNull();
    expect(cache.resolve('k/../k/linux')).toBeNull();
    expect(cache.urlPath('k')).toBe('/assets/k/linux');
  });

  it('resumes with a Range request after the server drops the connection mid-way', async () => {
    makeCache([entry({ sha256: SHA, sums: undefined })]);
    peer.dropAfter.set(1, 1024 * 1024);
    peer.dropAfter.set(2, 512 * 1024);
    const job = await t.app.services.jobs.settled(cache.download({ id: 'k' }).id);
    expect(job.state).toBe('succeeded');
    expect(peer.requests.map((h) => h.range ?? null)).toEqual([null, `bytes=${1024 * 1024}-`, `bytes=${1536 * 1024}-`]);
    expect(readFileSync(cache.path('k') ?? '').equals(BODY)).toBe(true);
    const log = t.app.services.jobs.logs(job.id, 0, 100).map((l) => l.line).join('\n');
    expect(log).toMatch(/Resuming at 1048576 bytes/);
  });

  it('resumes a .part left by an earlier job', async () => {
    makeCache([entry({ sha256: SHA, sums: undefined })]);
    peer.dropAfter.set(1, 1000);
    peer.dropAfter.set(2, 0);
    peer.dropAfter.set(3, 0);
    peer.dropAfter.set(4, 0);
    peer.dropAfter.set(5, 0);
    const failed = await t.app.services.jobs.settled(cache.download({ id: 'k' }).id);
    expect(failed.state).toBe('failed');
    expect(cache.status('k')).toMatchObject({ state: 'partial', bytes: 1000 });
    const ok = await t.app.services.jobs.settled(cache.download({ id: 'k' }).id);
    expect(ok.state).toBe('succeeded');
    expect(peer.requests.at(-1)?.range).toBe('bytes=1000-');
  });

  it('deletes a file whose checksum does not match and names both hashes', async () => {
    const wrong = 'f'.repeat(64);
    makeCache([entry({ sha256: wrong })]);
    const job = await t.app.services.jobs.settled(cache.download({ id: 'k' }).id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('E_CHECKSUM_MISMATCH');
    expect(job.error?.message).toContain(wrong);
    expect(job.error?.message).toContain(SHA);
    expect(cache.status('k')).toMatchObject({ state: 'missing', bytes: 0 });
    expect(existsSync(join(cache.root, 'k', 'linux'))).toBe(false);
    expect(cache.resolve('k/linux')).toBeNull();
  });

  it('is cancelled promptly, keeping the partial file for a later resume', async () => {
    makeCache([entry({ sha256: SHA })]);
    peer.slow = 64 * 1024;
    const job = cache.download({ id: 'k' });
    await new Promise((r) => setTimeout(r, 300));
    t.app.services.jobs.cancel(job.id);
    const done = await t.app.services.jobs.settled(job.id);
    expect(done.state).toBe('cancelled');
    expect(cache.status('k').state).toBe('partial');
    expect(cache.path('k')).toBeNull();
  });

  it('refuses a file nobody publishes a checksum for unless the user agrees', async () => {
    makeCache([entry({ sums: undefined })]);
    expect(() => cache.download({ id: 'k' })).toThrow(/no published checksum/);
    const job = await t.app.services.jobs.settled(cache.download({ id: 'k', allowUnverified: true }).id);
    expect(job.state).toBe('succeeded');
    expect(cache.status('k')).toMatchObject({ state: 'ready', verification: 'unverified', sha256: SHA });
  });

  it('fails clearly when SHA256SUMS does not list the file, and on HTTP errors', async () => {
    makeCache([entry({ sums: { url: `${peer.base}/SHA256SUMS`, name: 'missing.iso' } }), entry({ id: 'gone', url: `${peer.base}/nope`, sha256: SHA })]);
    const unlisted = await t.app.services.jobs.settled(cache.download({ id: 'k' }).id);
    expect(unlisted.error?.message).toMatch(/does not list missing\.iso/);
    const gone = await t.app.services.jobs.settled(cache.download({ id: 'gone' }).id);
    expect(gone.error?.message).toMatch(/answered HTTP 404/);
  });
});

describe('AssetCache import', () => {
  it('imports a local file with the same verification', async () => {
    makeCache([entry({ url: null, sums: undefined })]);
    const file = join(tempDir(), 'linux');
    writeFileSync(file, BODY);
    const bad = await t.app.services.jobs.settled(cache.import({ id: 'k', path: file, sha256: 'a'.repeat(64) }).id);
    expect(bad.error?.message).toMatch(/Checksum mismatch.*a{64}.*got [0-9a-f]{64}/);
    expect(cache.status('k').state).toBe('missing');
    const ok = await t.app.services.jobs.settled(cache.import({ id: 'k', path: file, sha256: SHA.toUpperCase() }).id);
    expect(ok.state).toBe('succeeded');
    expect(cache.status('k')).toMatchObject({ state: 'ready', sha256: SHA });
    expect(() => cache.import({ id: 'k', path: join(file, 'nope') })).toThrow(/Cannot import/);
    expect(() => cache.download({ id: 'k' })).toThrow(/no download URL/);
  });
});
