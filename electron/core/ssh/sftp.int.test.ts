import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TransferProgress } from '../../../shared/domain/ssh';
import { createLogger } from '../log';
import { startSshd, type TestSshd } from '../testing/sshd';
import { tempDir } from '../testing/temp-app';
import { createSshService, type SshService } from './ssh-service';
import type { SshTarget } from './target';

const SIZE = 100 * 1024 * 1024;
let sshd: TestSshd;
let ssh: SshService;
let dir: string;
let t: SshTarget;

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });
}

beforeAll(async () => {
  dir = tempDir();
  ssh = createSshService({ dataDir: dir, log: createLogger('error') });
  sshd = await startSshd({ authorizedKeys: { root: [ssh.publicKey!.authorizedKey] } });
  t = { nodeId: 'n-sftp', name: 'sftp', address: '127.0.0.1', port: sshd.port, user: 'root', hostKeys: [sshd.hostKey] };
  // Incompressible content in 1 MiB blocks (a repeated block would still catch reordering).
  const block = randomBytes(1024 * 1024);
  const buf = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE / block.length; i++) {
    block.copy(buf, i * block.length);
    buf.writeUInt32BE(i, i * block.length);
  }
  writeFileSync(join(dir, 'big.bin'), buf);
});

afterAll(async () => {
  await ssh?.close();
  await sshd?.stop();
});

it('round-trips 100 MiB with equal SHA-256 and reports progress', async () => {
  const local = join(dir, 'big.bin');
  const remote = join(dir, 'remote', 'big.bin');
  await ssh.run(t, `mkdir -p ${join(dir, 'remote')}`);
  const up: TransferProgress[] = [];
  let t0 = performance.now();
  await ssh.upload(t, local, remote, { onProgress: (p) => up.push(p) });
  const upS = (performance.now() - t0) / 1000;
  const down: TransferProgress[] = [];
  const back = join(dir, 'back.bin');
  t0 = performance.now();
  await ssh.download(t, remote, back, { onProgress: (p) => down.push(p) });
  const downS = (performance.now() - t0) / 1000;
  console.log(`SFTP 100 MiB: upload ${(100 / upS).toFixed(1)} MiB/s (${upS.toFixed(2)} s), download ${(100 / downS).toFixed(1)} MiB/s (${downS.toFixed(2)} s)`);
  const [a, b, c] = await Promise.all([sha256(local), sha256(remote), sha256(back)]);
  expect(b).toBe(a);
  expect(c).toBe(a);
  expect(up.length).toBeGreaterThan(3);
  expect(up.at(-1)).toEqual({ transferred: SIZE, total: SIZE });
  expect(down.at(-1)).toEqual({ transferred: SIZE, total: SIZE });
  expect(existsSync(remote + '.rackpilot-part')).toBe(false);
}, 120_000);

it('cancels an upload and leaves no partial file', async () => {
  const remote = join(dir, 'remote', 'cancelled.bin');
  const controller = new AbortController();
  const p = ssh.upload(t, join(dir, 'big.bin'), remote, {
    signal: controller.signal,
    onProgress: (pr) => {
      if (pr.transferred > 5 * 1024 * 1024) controller.abort();
    },
  });
  await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  expect(existsSync(remote)).toBe(false);
  // The connection stays usable after a cancelled transfer.
  expect((await ssh.run(t, 'echo ok')).stdout).toBe('ok\n');
}, 60_000);
