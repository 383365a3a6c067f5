/**
 * What a hostile or broken client can do to the TFTP server, crafted with raw datagrams: the UEFI
 * tsize probe ended by ERROR 8, garbage on both ports, a client killed mid-transfer, a flood past
 * the transfer caps, a stalled client, block-number rollover. After each, the server must still
 * serve the next download and hold no transfer slot.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTftpServer, type TftpServer, type TftpTransferEvent } from './index';
import { Opcode } from './packets';
import { ack, captureLog, CLIENTS, errorOf, errorPacket, parseOack, RawClient, rawGet, rrq, sha256, tempRoot } from './test-kit';

const payload = randomBytes(3 * 1024 * 1024 + 7);
let root: ReturnType<typeof tempRoot>;
let server: TftpServer;
const events: TftpTransferEvent[] = [];
const log = captureLog();

beforeAll(async () => {
  root = tempRoot();
  writeFileSync(join(root.dir, 'ipxe.efi'), payload);
  writeFileSync(join(root.dir, 'tiny.bin'), randomBytes(700_001));
  server = await startTftpServer({
    host: '127.0.0.1',
    port: 0,
    roots: [root.dir],
    onEvent: (e) => events.push(e),
    log,
    // Short timers so abandoned transfers end within the test's time.
    limits: { defaultTimeoutMs: 200, retries: 2, maxTransfersPerClient: 4 },
  });
});
afterAll(async () => {
  await server?.close();
  root?.remove();
});

async function settled(): Promise<void> {
  for (let i = 0; i < 200 && server.status().active > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(server.status().active).toBe(0);
}
async function healthy(): Promise<void> {
  const got = await rawGet(server.port, 'ipxe.efi', { blksize: '1468', tsize: '0' });
  expect(sha256(got.data)).toBe(sha256(payload));
  await settled();
}

describe('TFTP hardening', () => {
  it('answers a tsize probe, takes ERROR 8 as a probe (as UEFI firmware does), then serves the real download', async () => {
    const c = await new RawClient().open();
    try {
      c.send(rrq('ipxe.efi', { blksize: '1468', tsize: '0' }), server.port);
      const oack = await c.next();
      expect(oack.op).toBe(Opcode.OACK);
      expect(parseOack(oack.msg)).toEqual({ blksize: '1468', tsize: String(payload.length) });
      expect(oack.from.port).not.toBe(server.port); // a fresh TID per transfer
      const n = events.length;
      c.send(errorPacket(8, 'User aborted the transfer'), oack.from.port);
      await settled();
      expect(events.slice(n)).toEqual([expect.objectContaining({ file: 'ipxe.efi', outcome: 'probe', bytes: 0 })]);
      // The real download follows from the same client port, as EDK2 does.
      c.send(rrq('ipxe.efi', { blksize: '1468' }), server.port);
      const again = await c.next();
      expect(again.op).toBe(Opcode.OACK);
    } finally {
      c.close();
    }
    await healthy();
  });

  it('survives garbage on the listening port: empty, 1-byte, random, oversized, bad modes and options', async () => {
    const c = await new RawClient().open();
    const junk = [
      Buffer.alloc(0), Buffer.from([1]), Buffer.from([0, 1]), Buffer.from([0, 9, 1, 2]),
      Buffer.from('\0\x01file', 'latin1'), Buffer.from('\0\x01file\0weird\0', 'latin1'),
      Buffer.from('\0\x01\0octet\0', 'latin1'), rrq('ipxe.efi', { blksize: 'x', windowsize: '0', timeout: '999', tsize: '-1' }),
      Buffer.concat([Buffer.from([0, 1]), randomBytes(2000)]), Buffer.from([0, 4, 0, 1]), Buffer.from([0, 5, 0, 1]),
    ];
    for (let i = 0; i < 200; i++) junk.push(randomBytes(1 + (i % 600)));
    for (const j of junk) c.send(j, server.port);
    await c.collect(300);
    c.close();
    expect(server.status().malformed).toBeGreaterThan(10);
    await healthy();
  });

  it('ignores garbage sent to a transfer port and completes the transfer', async () => {
    const c = await new RawClient().open();
    try {
      c.send(rrq('tiny.bin', { blksize: '1468' }), server.port);
      const oack = await c.next();
      const tid = oack.from.port;
      for (const j of [Buffer.alloc(0), Buffer.from([7]), Buffer.from([0, 3, 0, 1, 9]), randomBytes(64), Buffer.from([0, 4])]) c.send(j, tid);
      c.send(ack(0), tid);
      let bytes = 0;
      for (;;) {
        const p = await c.next();
        if (p.op !== Opcode.DATA) throw new Error(`unexpected ${p.op}: ${JSON.stringify(errorOf(p.msg))}`);
        bytes += p.msg.length - 4;
        c.send(ack(p.msg.readUInt16BE(2)), tid);
        if (p.msg.length - 4 < 1468) break;
      }
      expect(bytes).toBe(700_001);
    } finally {
      c.close();
    }
    await settled();
  });

  it('ends the transfer of a client that is killed mid-way and stays healthy', async () => {
    const n = events.length;
    const client = spawn(CLIENTS.atftp, ['-g', '-r', 'ipxe.efi', '-l', '/dev/null', '--option', 'blksize 512', '127.0.0.1', String(server.port)], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => client.once('exit', (code) => r(code)));
    // Kill it once the transfer is under way (not on a timer: a loaded machine may start it late).
    for (let i = 0; i < 500 && server.status().active === 0; i++) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 10));
    client.kill('SIGKILL');
    expect(await exited).toBeNull(); // killed, not finished
    await settled();
    const e = events.slice(n).find((x) => x.file === 'ipxe.efi');
    expect(e?.outcome).toMatch(/aborted|timeout/);
    expect(e?.bytes).toBeLessThan(payload.length);
    await healthy();
  });

  it('gives up on a client that stops ACKing, after its retries, honouring the timeout option', async () => {
    const c = await new RawClient().open();
    try {
      c.send(rrq('ipxe.efi', { timeout: '1' }), server.port);
      const first = await c.next();
      expect(parseOack(first.msg)).toEqual({ timeout: '1' });
      // Silence: with timeout 1 s and 2 retries the OACK comes twice more, ~1 s apart, then stops.
      const t0 = Date.now();
      await c.next(1500);
      const gap = Date.now() - t0;
      expect(gap).toBeGreaterThan(700);
      await c.next(1500);
      await settled();
    } finally {
      c.close();
    }
    expect(events.at(-1)).toMatchObject({ outcome: 'timeout', detail: expect.stringMatching(/no ACK/) });
  });

  it('caps concurrent transfers per client with a clear log line, and frees the slots', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => new RawClient().open()));
    try {
      for (const c of clients) c.send(rrq('ipxe.efi'), server.port);
      const replies = await Promise.all(clients.map((c) => c.next()));
      const busy = replies.filter((r) => errorOf(r.msg)?.message.match(/busy/));
      expect(busy).toHaveLength(1);
      expect(log.lines.join('\n')).toMatch(/transfer cap reached \(4 transfers from 127\.0\.0\.1\)/);
      expect(server.status().busy).toBeGreaterThanOrEqual(1);
    } finally {
      for (const c of clients) c.close(); // the other four time out on the server
    }
    await settled();
    await healthy();
  });

  it('answers a flood of requests without crashing and without leaking slots', async () => {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    for (let i = 0; i < 500; i++) s.send(rrq(i % 2 ? 'ipxe.efi' : `missing-${i}`), server.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 200));
    s.close(); // the transfers it started get ICMP unreachable or time out
    await settled();
    await healthy();
  });

  it('rolls block numbers over past 65535 (blksize 8, ~87 500 blocks) with windowsize 16', async () => {
    const got = await rawGet(server.port, 'tiny.bin', { blksize: '8', windowsize: '16' });
    expect(got.oack).toEqual({ blksize: '8', windowsize: '16' });
    expect(got.blocks).toBeGreaterThan(65536);
    expect(got.data.length).toBe(700_001);
    await settled();
  }, 60_000);

  it('never served anything but regular files from its root', () => {
    expect(events.filter((e) => e.origin && !e.origin.startsWith(root.dir))).toEqual([]);
  });
});
