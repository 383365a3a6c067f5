/**
 * The backup as it lands in Rackpilot's data dir: the files, and a manifest.json with each file's
 * size and sha256 so a restore can tell a complete copy from a damaged one. The PKI holds the
 * cluster's CA keys: the folder is 0700 and every file 0600.
 */
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import type { ClusterBackup } from '../../../../shared/domain/cluster-record';

export const BACKUP_FILES = { snapshot: 'etcd-snapshot.db', pki: 'pki.tar.gz', adminConf: 'admin.conf', manifest: 'manifest.json' } as const;

export interface BackupManifest {
  cluster: string;
  takenAt: string;
  reason: ClusterBackup['reason'];
  /** The node everything was copied from (the first control plane). */
  sourceNode: string;
  /** False when etcd could not be saved (the API server was already down): the notes say why. */
  etcdSnapshot: boolean;
  notes: string[];
  files: ClusterBackup['files'];
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export function writeBackup(
  dir: string,
  files: { name: string; content: Buffer }[],
  meta: Omit<BackupManifest, 'files' | 'etcdSnapshot'>,
): { backup: ClusterBackup; manifest: BackupManifest } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // mkdir's mode is masked by the umask and ignored for a folder that exists
  const listed = files.map(({ name, content }) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, 0o600);
    return { name, bytes: content.length, sha256: sha256(content) };
  });
  const manifest: BackupManifest = { ...meta, etcdSnapshot: files.some((f) => f.name === BACKUP_FILES.snapshot), files: listed };
  const manifestPath = join(dir, BACKUP_FILES.manifest);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  chmodSync(manifestPath, 0o600);
  return { backup: { id: basename(dir), takenAt: meta.takenAt, reason: meta.reason, dir, files: listed }, manifest };
}
