import { createSocket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tftpBindError } from './bind-error';
import { findIpxeBinaries, startTftpServer } from './index';
import { captureLog, tempRoot } from './test-kit';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('findIpxeBinaries', () => {
  it('takes each binary from the first root that has it', async () => {
    const a = tempRoot();
    const b = tempRoot();
    dirs.push(a, b);
    writeFileSync(join(a.dir, 'ipxe.efi'), 'a');
    writeFileSync(join(b.dir, 'ipxe.efi'), 'b');
    writeFileSync(join(b.dir, 'undionly.kpxe'), 'b');
    mkdirSync(join(a.dir, 'snponly.efi')); // a directory is not a binary
    const r = await findIpxeBinaries([a.dir, '/nonexistent', b.dir]);
    expect(r.found).toEqual([
      { name: 'undionly.kpxe', path: join(b.dir, 'undionly.kpxe') },
      { name: 'ipxe.efi', path: join(a.dir, 'ipxe.efi') },
    ]);
    expect(r.missing).toEqual(['snponly.efi', 'snp.efi']);
    expect(r.message).toMatch(/only nodes with that firmware are affected/);
  });

  it('says which package to install when none is found', async () => {
    const r = await findIpxeBinaries(['/nonexistent/a', '/nonexistent/b']);
    expect(r.found).toEqual([]);
    expect(r.message).toMatch(/No iPXE binaries found in \/nonexistent\/a, \/nonexistent\/b.*apt-get install ipxe.*choose a folder/);
  });
});

describe('port errors', () => {
  it('maps EACCES to E_PORT_PRIVILEGED with how to grant the capability', () => {
    const e = tftpBindError(Object.assign(new Error('bind EACCES'), { code: 'EACCES' }), '0.0.0.0', 69);
    expect(e.code).toBe('E_PORT_PRIVILEGED');
    expect(e.message).toMatch(/Run Rackpilot as root.*setcap cap_net_bind_service=\+ep/);
  });

  it('says another TFTP server probably holds a busy port', async () => {
    const holder = createSocket('udp4');
    const port = await new Promise<number>((r) => holder.bind(0, '127.0.0.1', () => r(holder.address().port)));
    try {
      await expect(startTftpServer({ host: '127.0.0.1', port, roots: [], log: captureLog() })).rejects.toMatchObject({
        code: 'E_PORT_IN_USE',
        message: expect.stringMatching(/another TFTP server \(tftpd-hpa, dnsmasq/),
      });
    } finally {
      holder.close();
    }
  });

  it.skipIf(process.getuid?.() === 0)('refuses port 69 without privileges as E_PORT_PRIVILEGED', async () => {
    await expect(startTftpServer({ host: '127.0.0.1', port: 69, roots: [], log: captureLog() })).rejects.toMatchObject({ code: 'E_PORT_PRIVILEGED' });
  });
});

describe('generated files', () => {
  it('answers with an error (and keeps serving) when a generator throws', async () => {
    const { RawClient, rrq, errorOf } = await import('./test-kit');
    const events: string[] = [];
    const s = await startTftpServer({
      host: '127.0.0.1',
      port: 0,
      roots: [],
      generated: (file, client) => {
        if (file === 'boom') throw new Error('template bug');
        return Buffer.from(`for ${client.address}`);
      },
      onEvent: (e) => events.push(`${e.file}:${e.outcome}`),
      log: captureLog(),
    });
    const c = await new RawClient().open();
    try {
      c.send(rrq('boom'), s.port);
      expect(errorOf((await c.next()).msg)).toMatchObject({ code: 0 });
      c.send(rrq('per-node.ipxe'), s.port);
      const data = await c.next();
      expect(data.msg.subarray(4).toString()).toBe('for 127.0.0.1');
    } finally {
      c.close();
      await s.close();
    }
    expect(events[0]).toBe('boom:refused');
  });
});
