/**
 * The TFTP server against real clients (DESIGN §8): curl, atftp (the one with windowsize) and
 * tftp-hpa's tftp. Byte-exact downloads, option negotiation seen in the server's events,
 * traversal refused, writes refused, files from the right root. Needs: apt-get install curl
 * atftp tftp-hpa ipxe (scripts/setup-system.sh does).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTftpServer, type TftpServer, type TftpTransferEvent } from './index';
import { CLIENTS, captureLog, missingClients, run, sha256, tempRoot } from './test-kit';

const missing = missingClients();
if (missing.length) throw new Error(`TFTP clients missing: apt-get install ${missing.join(' ')} (scripts/setup-system.sh installs them)`);

const small = Buffer.from('#!ipxe\necho hello from Rackpilot\n');
const big = randomBytes(5 * 1024 * 1024 + 123); // multi-MiB, not a multiple of any block size
let root: ReturnType<typeof tempRoot>;
let second: ReturnType<typeof tempRoot>;
let outside: ReturnType<typeof tempRoot>;
let work: ReturnType<typeof tempRoot>;
let server: TftpServer;
const events: TftpTransferEvent[] = [];
const log = captureLog();

beforeAll(async () => {
  root = tempRoot();
  second = tempRoot();
  outside = tempRoot();
  work = tempRoot();
  writeFileSync(join(root.dir, 'small.ipxe'), small);
  mkdirSync(join(root.dir, 'sub'));
  writeFileSync(join(root.dir, 'sub', 'big.bin'), big);
  writeFileSync(join(root.dir, 'shadowed.txt'), 'first root wins\n');
  writeFileSync(join(second.dir, 'shadowed.txt'), 'second root\n');
  writeFileSync(join(second.dir, 'only-second.txt'), 'from the second root\n');
  writeFileSync(join(outside.dir, 'secret.txt'), 'must never be served\n');
  symlinkSync(join(outside.dir, 'secret.txt'), join(root.dir, 'escape-link'));
  symlinkSync(outside.dir, join(root.dir, 'escape-dir'));
  symlinkSync('sub/big.bin', join(root.dir, 'inside-link')); // a symlink that stays inside is fine
  server = await startTftpServer({
    host: '127.0.0.1',
    port: 0,
    roots: [root.dir, second.dir, '/nonexistent/rackpilot-assets'],
    generated: new Map([['generated/boot.ipxe', () => Buffer.from('#!ipxe\nchain http://10.0.0.1/boot.ipxe\n')]]),
    onEvent: (e) => events.push(e),
    log,
  });
});
afterAll(async () => {
  await server?.close();
  for (const d of [root, second, outside, work]) d?.remove();
});

const url = (file: string) => `tftp://127.0.0.1:${server.port}/${file}`;
const out = (name: string) => join(work.dir, name);
/** The server's event for a download, found by file name (events arrive when the transfer ends). */
async function eventFor(file: string, since: number): Promise<TftpTransferEvent> {
  for (let i = 0; i < 100; i++) {
    const e = events.slice(since).find((x) => x.file === file);
    if (e) return e;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no event for ${file}`);
}

describe('curl', () => {
  it('downloads a small and a multi-MiB file byte-exact with blksize 1468 and tsize', async () => {
    const n = events.length;
    const a = await run(CLIENTS.curl, ['-sS', '--tftp-blksize', '1468', '-o', out('c-small'), url('small.ipxe')]);
    expect(a.code, a.stderr).toBe(0);
    expect(sha256(readFileSync(out('c-small')))).toBe(sha256(small));
    const b = await run(CLIENTS.curl, ['-sS', '--tftp-blksize', '1468', '-o', out('c-big'), url('sub/big.bin')]);
    expect(b.code, b.stderr).toBe(0);
    expect(sha256(readFileSync(out('c-big')))).toBe(sha256(big));
    const e = await eventFor('sub/big.bin', n);
    expect(e).toMatchObject({ outcome: 'ok', bytes: big.length, blksize: 1468, windowsize: 1, tsize: big.length, ip: '127.0.0.1' });
  });

  it('gets a generated file from memory and follows a symlink that stays inside the root', async () => {
    const a = await run(CLIENTS.curl, ['-sS', url('generated/boot.ipxe')]);
    expect(a.stdout).toBe('#!ipxe\nchain http://10.0.0.1/boot.ipxe\n');
    const b = await run(CLIENTS.curl, ['-sS', '-o', out('c-link'), url('inside-link')]);
    expect(b.code, b.stderr).toBe(0);
    expect(sha256(readFileSync(out('c-link')))).toBe(sha256(big));
  });

  it('serves from the first root that has the file', async () => {
    expect((await run(CLIENTS.curl, ['-sS', url('shadowed.txt')])).stdout).toBe('first root wins\n');
    expect((await run(CLIENTS.curl, ['-sS', url('only-second.txt')])).stdout).toBe('from the second root\n');
  });

  it('refuses symlinks that lead out of the root', async () => {
    const n = events.length;
    for (const f of ['escape-link', 'escape-dir/secret.txt']) {
      const r = await run(CLIENTS.curl, ['-sS', url(f)]);
      // curl 7.88 prints a misleading "getpeername() failed" for any TFTP error (tftpd-hpa too);
      // its exit code is the reliable signal: 69 = CURLE_TFTP_PERM (TFTP access violation).
      expect(r.code).toBe(69);
      expect(r.stdout).not.toContain('must never be served');
    }
    const refused = events.slice(n).filter((e) => e.outcome === 'refused');
    expect(refused.map((e) => e.detail).join('\n')).toMatch(/outside the root/);
  });
});

describe('atftp (windowsize, RFC 7440)', () => {
  it.each([1, 16])('downloads the multi-MiB file byte-exact with windowsize %i', async (ws) => {
    const n = events.length;
    const r = await run(CLIENTS.atftp, [
      '-g', '-r', 'sub/big.bin', '-l', out(`a-${ws}`),
      '--option', 'blksize 1468', '--option', `windowsize ${ws}`, '--option', 'tsize 0',
      '127.0.0.1', String(server.port),
    ]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(sha256(readFileSync(out(`a-${ws}`)))).toBe(sha256(big));
    const e = await eventFor('sub/big.bin', n);
    expect(e).toMatchObject({ outcome: 'ok', blksize: 1468, windowsize: ws, tsize: big.length });
  });

  it('is granted at most windowsize 16 and blksize 1468', async () => {
    const n = events.length;
    const r = await run(CLIENTS.atftp, [
      '-g', '-r', 'small.ipxe', '-l', out('a-cap'),
      '--option', 'blksize 9000', '--option', 'windowsize 64', '127.0.0.1', String(server.port),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out('a-cap'))).toEqual(small);
    expect(await eventFor('small.ipxe', n)).toMatchObject({ blksize: 1468, windowsize: 16 });
  });
});

describe('tftp-hpa client', () => {
  it('downloads without options (512-byte blocks) in binary mode', async () => {
    const n = events.length;
    const r = await run(CLIENTS.tftpHpa, ['-m', 'binary', '127.0.0.1', String(server.port), '-c', 'get', 'sub/big.bin', out('h-big')]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(sha256(readFileSync(out('h-big')))).toBe(sha256(big));
    expect(await eventFor('sub/big.bin', n)).toMatchObject({ outcome: 'ok', blksize: 512, windowsize: 1 });
  });

  it('converts netascii (its default mode) so text arrives intact', async () => {
    const r = await run(CLIENTS.tftpHpa, ['127.0.0.1', String(server.port), '-c', 'get', 'small.ipxe', out('h-small')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out('h-small'))).toEqual(small);
  });

  it.each(['../../etc/passwd', '/etc/passwd', 'sub/../../../etc/passwd'])('refuses the traversal %s', async (name) => {
    const n = events.length;
    const dest = out(`h-trav-${n}`);
    const r = await run(CLIENTS.tftpHpa, ['-m', 'binary', '127.0.0.1', String(server.port), '-c', 'get', name, dest]);
    expect(r.stdout + r.stderr).toMatch(/Access violation/);
    expect(existsSync(dest) ? readFileSync(dest, 'utf8') : '').not.toMatch(/root:/);
    expect(await eventFor(name, n)).toMatchObject({ outcome: 'refused', bytes: 0 });
  });

  it('refuses writes: the server is read-only', async () => {
    writeFileSync(out('upload.txt'), 'should not land\n');
    const n = events.length;
    const r = await run(CLIENTS.tftpHpa, ['-m', 'binary', '127.0.0.1', String(server.port), '-c', 'put', out('upload.txt'), 'upload.txt']);
    expect(r.stdout + r.stderr).toMatch(/read-only/);
    expect(existsSync(join(root.dir, 'upload.txt'))).toBe(false);
    expect(await eventFor('upload.txt', n)).toMatchObject({ outcome: 'refused', detail: expect.stringMatching(/read-only/) });
  });

  it('reports a missing iPXE binary with what to install', async () => {
    const r = await run(CLIENTS.tftpHpa, ['-m', 'binary', '127.0.0.1', String(server.port), '-c', 'get', 'snp.efi', out('h-snp')]);
    expect(r.stdout + r.stderr).toMatch(/apt-get install ipxe/);
  });
});

describe('Debian iPXE binaries', () => {
  it.skipIf(!existsSync('/usr/lib/ipxe/undionly.kpxe'))('serves /usr/lib/ipxe/undionly.kpxe byte-exact when that is a root', async () => {
    const s = await startTftpServer({ host: '127.0.0.1', port: 0, roots: ['/nonexistent', '/usr/lib/ipxe'], log: captureLog() });
    try {
      const r = await run(CLIENTS.curl, ['-sS', '-o', out('undionly.kpxe'), `tftp://127.0.0.1:${s.port}/undionly.kpxe`]);
      expect(r.code, r.stderr).toBe(0);
      expect(sha256(readFileSync(out('undionly.kpxe')))).toBe(sha256(readFileSync('/usr/lib/ipxe/undionly.kpxe')));
    } finally {
      await s.close();
    }
  });
});
