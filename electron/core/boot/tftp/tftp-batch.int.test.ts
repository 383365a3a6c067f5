/**
 * Windows sent in one sendmmsg(2) by the native addon (batch-send.ts) against the portable path
 * (dgram, packet by packet) that non-Linux hosts and hosts without the addon take: both must put
 * the same datagrams on the wire and give byte-exact downloads at windowsize 16 — from a file
 * (chunked reads, windows straddling chunks), from memory, with an empty last block, and across
 * the block-number rollover.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canBatchSend, dataSender } from './batch-send';
import { startTftpServer, type TftpServer, type TftpTransferEvent } from './index';
import { captureLog, CLIENTS, RawClient, rawGet, run, sha256, tempRoot } from './test-kit';

const big = randomBytes(3 * 1024 * 1024 + 4321); // several 1 MiB read chunks, windows straddle them
const exact = randomBytes(1468 * 700); // a multiple of blksize: the transfer ends with an empty block
const inMemory = randomBytes(700_003); // > 65 536 blocks at blksize 8: rollover
let root: ReturnType<typeof tempRoot>;
let work: ReturnType<typeof tempRoot>;
const servers: Record<'batch' | 'portable', TftpServer | undefined> = { batch: undefined, portable: undefined };
const events: TftpTransferEvent[] = [];

beforeAll(async () => {
  root = tempRoot();
  work = tempRoot();
  writeFileSync(join(root.dir, 'big.bin'), big);
  writeFileSync(join(root.dir, 'exact.bin'), exact);
  for (const mode of ['batch', 'portable'] as const) {
    servers[mode] = await startTftpServer({
      host: '127.0.0.1',
      port: 0,
      roots: [root.dir],
      generated: new Map([['mem.efi', () => inMemory]]),
      onEvent: (e) => events.push(e),
      log: captureLog(),
      batchSend: mode === 'batch',
    });
  }
});
afterAll(async () => {
  await servers.batch?.close();
  await servers.portable?.close();
  root?.remove();
  work?.remove();
});

it('has the addon with sendTftpData on Linux (else the batch cases below would test nothing new)', () => {
  expect(canBatchSend(), 'native/bind-device not built or too old: npm rebuild').toBe(process.platform === 'linux');
});

describe.each(['batch', 'portable'] as const)('%s sends', (mode) => {
  const port = () => servers[mode]!.port;

  it('atftp downloads a multi-MiB file byte-exact with windowsize 16', async () => {
    const dest = join(work.dir, `atftp-${mode}`);
    const r = await run(CLIENTS.atftp, [
      '-g', '-r', 'big.bin', '-l', dest, '--option', 'blksize 1468', '--option', 'windowsize 16', '127.0.0.1', String(port()),
    ]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(sha256(readFileSync(dest))).toBe(sha256(big));
  });

  it.each([
    ['big.bin', big],
    ['exact.bin', exact],
    ['mem.efi', inMemory],
  ])('a raw windowsize-16 client gets %s byte-exact', async (file, want) => {
    const got = await rawGet(port(), file, { blksize: '1468', windowsize: '16' });
    expect(got.oack).toEqual({ blksize: '1468', windowsize: '16' });
    expect(got.data.length).toBe(want.length);
    expect(sha256(got.data)).toBe(sha256(want));
    if (file === 'exact.bin') expect(got.blocks).toBe(701); // 700 full blocks + the empty one
  });

  it('rolls block numbers over at windowsize 16 (blksize 8, > 65 536 blocks)', async () => {
    const got = await rawGet(port(), 'mem.efi', { blksize: '8', windowsize: '16' });
    expect(got.blocks).toBeGreaterThan(65536);
    expect(sha256(got.data)).toBe(sha256(inMemory));
  }, 60_000);
});

describe('dataSender', () => {
  async function pair(): Promise<{ tx: Socket; rx: RawClient }> {
    const rx = await new RawClient().open();
    const tx = createSocket('udp4');
    await new Promise<void>((r) => tx.bind(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => tx.connect(rx.socket.address().port, '127.0.0.1', () => r()));
    return { tx, rx };
  }

  it('puts the same datagrams on the wire with and without the addon: wrap, short and empty last blocks', async () => {
    const payload = randomBytes(10 * 512 + 100);
    const wire: Record<string, string[]> = {};
    for (const batch of [true, false]) {
      const { tx, rx } = await pair();
      try {
        const send = dataSender(tx, batch);
        send(65533, 5, payload, 0, 512); // blocks 65533..65535, 0, 1
        send(6, 3, payload, 8 * 512, 512); // 2 full blocks, one of 100 bytes
        send(9, 1, payload, payload.length, 512); // an empty block
        const got = await rx.collect(300);
        wire[String(batch)] = got.map((m) => m.toString('hex'));
      } finally {
        tx.close();
        rx.close();
      }
    }
    expect(wire.true).toHaveLength(9);
    expect(wire.true).toEqual(wire.false);
    const headers = wire.true!.map((h) => h.slice(0, 8));
    expect(headers).toEqual(['0003fffd', '0003fffe', '0003ffff', '00030000', '00030001', '00030006', '00030007', '00030008', '00030009']);
    expect(wire.true!.map((h) => h.length / 2)).toEqual([516, 516, 516, 516, 516, 516, 516, 104, 4]);
    expect(wire.true![0]!.slice(8)).toBe(payload.subarray(0, 512).toString('hex'));
  });

  it('reports a client port that went away as ECONNREFUSED', async () => {
    const { tx, rx } = await pair();
    rx.close(); // nobody listens now: the kernel answers with ICMP port unreachable
    const send = dataSender(tx, true);
    // The pending error reaches whichever looks first: the next send (thrown) or libuv's read.
    let code: string | undefined;
    tx.on('error', (err: NodeJS.ErrnoException) => (code = err.code));
    for (let i = 0; i < 20 && !code; i++) {
      try {
        send(1, 1, Buffer.alloc(8), 0, 8);
      } catch (err) {
        code = (err as NodeJS.ErrnoException).code;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    tx.close();
    expect(code).toBe('ECONNREFUSED');
  });
});

it('logged every windowsize-16 download as ok', async () => {
  await new Promise((r) => setTimeout(r, 100)); // the last transfer's event follows its final ACK
  const ws16 = events.filter((e) => e.windowsize === 16);
  expect(ws16.map((e) => `${e.file} ${e.outcome}`), JSON.stringify(events)).toHaveLength(10);
  expect(ws16.filter((e) => e.outcome !== 'ok')).toEqual([]);
});
