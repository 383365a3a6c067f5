import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './core/testing/temp-app';
import { buildCore, runServer, startServerProcess, type ServerProcess } from './core/testing/server-process';

beforeAll(() => buildCore());
let proc: ServerProcess | undefined;
afterEach(async () => {
  await proc?.stop('SIGKILL');
  proc = undefined;
});

describe('npm run serve (the real server process)', () => {
  it('prints its URL with a token and stops cleanly on SIGTERM', async () => {
    proc = await startServerProcess(tempDir());
    expect(proc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{32}$/);
    const client = await proc.connect();
    expect(await client.call('system.info', {})).toMatchObject({ product: 'Rackpilot', shell: 'headless' });
    expect(await proc.stop('SIGTERM')).toBe(0);
  });

  it('exits with a clear message, not a crash loop, on a corrupt database — and keeps the file', async () => {
    const dir = tempDir();
    const junk = 'definitely not sqlite\n'.repeat(100);
    writeFileSync(join(dir, 'rackpilot.db'), junk);
    const run = runServer(['--port', '0', '--data-dir', dir]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/Rackpilot cannot start \(E_STORE_CORRUPT\): The database at .* cannot be read/);
    expect(readFileSync(join(dir, 'rackpilot.db'), 'utf8')).toBe(junk);
  });

  it('refuses bad flags with usage', async () => {
    const run = runServer(['--port', 'eighty']);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/--port must be a number/);
    const remote = runServer(['--host', '0.0.0.0', '--port', '0', '--data-dir', tempDir()]);
    expect(await remote.exited).toBe(2);
    expect(remote.output()).toMatch(/not a loopback address.*--allow-remote/);
  });

  it('encrypts its SSH key with RACKPILOT_KEY_PASSPHRASE, which OpenSSH then needs to read it', async () => {
    const dir = tempDir();
    proc = await startServerProcess(dir, [], { env: { RACKPILOT_KEY_PASSPHRASE: 'correct horse battery' } });
    const key = await (await proc.connect()).call('ssh.publicKey', {});
    const file = join(dir, 'ssh', 'rackpilot_ed25519');
    expect(spawnSync('ssh-keygen', ['-y', '-P', 'wrong', '-f', file]).status).not.toBe(0);
    const pub = spawnSync('ssh-keygen', ['-y', '-P', 'correct horse battery', '-f', file]);
    expect(pub.status).toBe(0);
    expect(pub.stdout.toString()).toContain(key!.key);
    expect(proc.output()).not.toContain('correct horse battery');
  });

  it('shows a job that was running when the process died as interrupted after restart', async () => {
    const dir = tempDir();
    // A port that accepts and never speaks keeps the connectivity job waiting.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      proc = await startServerProcess(dir);
      let client = await proc.connect();
      await client.call('settings.update', { connectTimeoutMs: 60_000 });
      const node = await client.call('nodes.create', { name: 'slow', mac: '52:54:00:00:00:01', address: '127.0.0.1', sshPort: (silent.address() as { port: number }).port });
      const job = await client.call('nodes.checkConnectivity', { id: node.id });
      expect(job.state).toBe('running');
      await proc.stop('SIGKILL');

      proc = await startServerProcess(dir);
      client = await proc.connect();
      const after = await client.call('jobs.get', { id: job.id });
      expect(after).toMatchObject({ state: 'interrupted', error: { message: expect.stringMatching(/stopped while this job was running/) } });
      const kinds = (await client.call('events.list', {})).map((e) => e.kind);
      expect(kinds[0]).toBe('job.interrupted');
    } finally {
      silent.close();
    }
  });
});
