import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/temp-app';
import { writeBackup, type BackupManifest } from './backup-files';

let root: string | undefined;
afterEach(() => root && rmSync(root, { recursive: true, force: true }));

describe('backup files', () => {
  it('writes 0600 files into a 0700 folder with a manifest of sizes and sha256s', () => {
    root = tempDir();
    const dir = join(root, 'clusters', 'lab', 'backup-20261124T101500Z');
    const snapshot = Buffer.from([0, 1, 2, 255]);
    const { backup, manifest } = writeBackup(dir, [
      { name: 'etcd-snapshot.db', content: snapshot },
      { name: 'admin.conf', content: Buffer.from('apiVersion: v1\n') },
    ], { cluster: 'lab', takenAt: '2026-11-24T10:15:00.000Z', reason: 'teardown', sourceNode: 'cp-1', notes: [] });

    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['etcd-snapshot.db', 'admin.conf', 'manifest.json']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'etcd-snapshot.db'))).toEqual(snapshot);
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(onDisk).toEqual(manifest);
    expect(onDisk.etcdSnapshot).toBe(true);
    expect(onDisk.files[0]).toEqual({ name: 'etcd-snapshot.db', bytes: 4, sha256: createHash('sha256').update(snapshot).digest('hex') });
    expect(backup).toEqual({ id: 'backup-20261124T101500Z', takenAt: '2026-11-24T10:15:00.000Z', reason: 'teardown', dir, files: onDisk.files });
  });

  it('says in the manifest when there is no etcd snapshot', () => {
    root = tempDir();
    const { manifest } = writeBackup(root, [{ name: 'pki.tar.gz', content: Buffer.from('x') }], { cluster: 'lab', takenAt: 'now', reason: 'soft-reset', sourceNode: 'cp-1', notes: ['No etcd snapshot: …'] });
    expect(manifest).toMatchObject({ etcdSnapshot: false, notes: ['No etcd snapshot: …'] });
  });
});
