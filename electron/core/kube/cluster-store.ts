/**
 * Clusters on disk: `<dataDir>/clusters/<name>/cluster.json` (the record), `admin.conf` (the
 * kubeconfig fetched from the first control plane, 0600: it is a cluster-admin credential) and
 * `backups/<id>/` (etcd snapshot, PKI, kubeconfig taken before a teardown). Files are replaced
 * atomically, so a crash leaves the old record or the new one, and a cluster is never half lost.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { clusterSpecSchema } from '../../../shared/domain/cluster';
import { CLUSTER_STATES, REBUILD_STEPS, type Cluster } from '../../../shared/domain/cluster-record';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { writeFileAtomic } from '../stacks/stack-store';

const RECORD = 'cluster.json';
const KUBECONFIG = 'admin.conf';
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const recordSchema = z.object({
  name: z.string().regex(NAME),
  spec: clusterSpecSchema,
  state: z.enum(CLUSTER_STATES),
  endpoint: z.string().nullable(),
  lastJobId: z.string().nullable(),
  diagnoses: z.array(z.object({ code: z.string(), title: z.string(), detail: z.string(), fix: z.string() })).default([]),
  backups: z
    .array(
      z.object({
        id: z.string(),
        takenAt: z.string(),
        reason: z.enum(['teardown', 'soft-reset', 'rebuild']),
        dir: z.string(),
        files: z.array(z.object({ name: z.string(), bytes: z.number(), sha256: z.string() })),
      }),
    )
    .default([]),
  rebuild: z
    .object({ startedAt: z.string(), reinstall: z.boolean(), step: z.enum(REBUILD_STEPS), jobId: z.string().nullable() })
    .nullable()
    .default(null),
  createdAt: z.string(),
  updatedAt: z.string(),
});

type StoredRecord = Omit<Cluster, 'hasKubeconfig'>;

export class ClusterStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'clusters');
  }

  folder(name: string): string {
    if (!NAME.test(name)) throw new RackpilotError(ErrorCode.Validation, `"${name}" is not a cluster name: use lower-case letters, digits and inner hyphens`);
    return join(this.root, name);
  }

  list(): Cluster[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && NAME.test(e.name) && existsSync(join(this.root, e.name, RECORD)))
      .map((e) => this.read(e.name))
      .filter((c): c is Cluster => c !== null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The record, or null when there is none. A record that does not parse is an error: never silently dropped. */
  read(name: string): Cluster | null {
    const file = join(this.folder(name), RECORD);
    if (!existsSync(file)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new RackpilotError(ErrorCode.Internal, `${file} is not valid JSON (${(err as Error).message}): restore it from a backup or remove the folder to forget the cluster`);
    }
    const parsed = recordSchema.safeParse(raw);
    if (!parsed.success) {
      throw new RackpilotError(ErrorCode.Internal, `${file} does not look like a cluster record (${parsed.error.issues[0]?.message ?? 'invalid'}): restore it or remove the folder`);
    }
    const record = parsed.data as StoredRecord;
    return { ...record, hasKubeconfig: existsSync(join(this.folder(name), KUBECONFIG)) };
  }

  write(cluster: Cluster): void {
    const dir = this.folder(cluster.name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { hasKubeconfig: _derived, ...record } = cluster;
    writeFileAtomic(join(dir, RECORD), `${JSON.stringify(record, null, 2)}\n`, 0o600);
  }

  /** Forgets the record and kubeconfig; backups stay unless asked (they are the way back). */
  remove(name: string): void {
    const dir = this.folder(name);
    rmSync(join(dir, RECORD), { force: true });
    rmSync(join(dir, KUBECONFIG), { force: true });
    if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }

  writeKubeconfig(name: string, adminConf: string): void {
    const dir = this.folder(name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(join(dir, KUBECONFIG), adminConf, 0o600);
  }

  readKubeconfig(name: string): string | null {
    const file = join(this.folder(name), KUBECONFIG);
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  }

  removeKubeconfig(name: string): void {
    rmSync(join(this.folder(name), KUBECONFIG), { force: true });
  }

  /** A new, not yet existing backup folder: backups/<timestamp>. */
  newBackupDir(name: string, now = new Date()): string {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const base = join(this.folder(name), 'backups', stamp);
    let dir = base;
    for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
    return dir;
  }
}
