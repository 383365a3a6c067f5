import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/domain/job';
import { createTempApp, type TempApp } from '../testing/temp-app';
import { freePort, startSshd, type TestSshd } from '../testing/sshd';

let sshd: TestSshd;
let t: TempApp;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
afterEach(async () => t?.close());

async function runCheck(address: string, port: number): Promise<Job> {
  const node = await t.client.call('nodes.create', { name: `n${port}`, mac: `52:54:00:00:${(port >> 8 & 255).toString(16).padStart(2, '0')}:${(port & 255).toString(16).padStart(2, '0')}`, address, sshPort: port });
  const job = await t.client.call('nodes.checkConnectivity', { id: node.id });
  return t.app.services.jobs.settled(job.id);
}

describe('connectivity check job (real OpenSSH sshd)', () => {
  it('reaches sshd and records the banner, phases and log', async () => {
    t = createTempApp();
    const job = await runCheck('127.0.0.1', sshd.port);
    expect(job.state).toBe('succeeded');
    expect(job.progress).toBe(1);
    expect(job.result).toMatchObject({ resolved: '127.0.0.1', port: sshd.port, banner: expect.stringMatching(/^SSH-2\.0-OpenSSH_/) });
    const lines = (await t.client.call('jobs.logs', { id: job.id })).map((l) => l.line);
    expect(lines.join('\n')).toMatch(/TCP connection to 127.0.0.1:\d+ opened/);
    expect(lines.join('\n')).toMatch(/server says: SSH-2.0-OpenSSH/);
  });

  it('resolves host names', async () => {
    t = createTempApp();
    const job = await runCheck('localhost', sshd.port);
    expect(job.state).toBe('succeeded');
  });

  it('explains a refused port', async () => {
    t = createTempApp();
    const job = await runCheck('127.0.0.1', await freePort());
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'E_UNREACHABLE', message: expect.stringMatching(/Connection refused .* Is sshd installed and running/) });
    const kinds = (await t.client.call('events.list', {})).map((e) => e.kind);
    expect(kinds).toContain('job.failed');
  });

  it('tells a non-SSH service apart, and times out on a silent one', async () => {
    t = createTempApp();
    await t.client.call('settings.update', { connectTimeoutMs: 600 });
    const http: Server = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const silent: Server = createServer(() => undefined);
    await Promise.all([http, silent].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
    try {
      const wrong = await runCheck('127.0.0.1', (http.address() as { port: number }).port);
      expect(wrong.error?.message).toMatch(/without an SSH greeting \(it sent: "HTTP\/1.1 400/);
      const quiet = await runCheck('127.0.0.1', (silent.address() as { port: number }).port);
      expect(quiet.error).toMatchObject({ code: 'E_TIMEOUT', message: expect.stringMatching(/sent no SSH greeting within 0.6 s/) });
    } finally {
      http.close();
      silent.close();
    }
  });

  it('says what to do when the node has no address', async () => {
    t = createTempApp();
    const node = await t.client.call('nodes.create', { name: 'blank', mac: '52:54:00:00:00:09' });
    const job = await t.app.services.jobs.settled((await t.client.call('nodes.checkConnectivity', { id: node.id })).id);
    expect(job.error?.message).toMatch(/has no address yet. Edit the node/);
  });

  it('can be cancelled while waiting', async () => {
    t = createTempApp();
    await t.client.call('settings.update', { connectTimeoutMs: 30_000 });
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const node = await t.client.call('nodes.create', { name: 'slow', mac: '52:54:00:00:00:0a', address: '127.0.0.1', sshPort: (silent.address() as { port: number }).port });
      const started = await t.client.call('nodes.checkConnectivity', { id: node.id });
      await new Promise((r) => setTimeout(r, 100));
      await t.client.call('jobs.cancel', { id: started.id });
      const job = await t.app.services.jobs.settled(started.id);
      expect(job).toMatchObject({ state: 'cancelled', error: { code: 'E_CANCELLED' } });
    } finally {
      silent.close();
    }
  });
});
