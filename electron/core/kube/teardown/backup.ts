/**
 * The safety net, taken before anything is removed: an etcd snapshot saved by the etcd container
 * itself (into its host-mounted data dir), the PKI as a tarball and the admin kubeconfig, copied
 * from the init node into Rackpilot's data dir. Without the snapshot a live cluster's state would
 * be gone for good, so a snapshot failure stops the teardown — unless the API server is already
 * dead, when there is no live state left to lose and the PKI and kubeconfig are all there is.
 */
import type { ClusterBackup } from '../../../../shared/domain/cluster-record';
import { RackpilotError } from '../../../../shared/errors';
import type { KubeNode, Remote } from '../remote';
import { BACKUP_FILES, sha256, writeBackup } from './backup-files';
import { ADMIN_CONF, ETCD_DATA_DIR, PKI_DIR } from './constants';
import { apiServerAnswers, lastLines } from './node-kubectl';

/** The teardown stopped because the state could not be saved (a stable code for the UI). */
export const BACKUP_FAILED = 'E_BACKUP_FAILED';
/** A lab cluster's etcd is megabytes; its default quota is 2 GiB. The copy travels through memory. */
const MAX_SNAPSHOT_BYTES = 1024 * 1024 * 1024;

export interface BackupOptions {
  clusterName: string;
  init: KubeNode;
  backupDir: string;
  reason: ClusterBackup['reason'];
  signal: AbortSignal;
  log: (line: string) => void;
  now?: Date;
}

export interface BackupOutcome {
  backup: ClusterBackup | null;
  warnings: string[];
  /** The `server:` of the admin kubeconfig, when it could be read: the cluster's endpoint URL. */
  apiServerUrl: string | null;
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** kubeadm's etcd pod mounts the node's etcd PKI at the same path, so etcdctl inside it finds these. */
export function snapshotScript(path: string): string {
  return [
    'id=$(crictl ps --name etcd -q | head -n 1)',
    '[ -n "$id" ] || { echo "no running etcd container: crictl ps --name etcd -q printed nothing" >&2; exit 4; }',
    `crictl exec "$id" etcdctl --endpoints=https://127.0.0.1:2379 --cacert ${PKI_DIR}/etcd/ca.crt --cert ${PKI_DIR}/etcd/server.crt --key ${PKI_DIR}/etcd/server.key snapshot save ${path} || exit $?`,
    `[ -s ${path} ] || { echo "etcdctl reported success but ${path} is missing or empty" >&2; exit 5; }`,
    `printf 'RACKPILOT-SHA256 %s\\n' "$(sha256sum ${path} | cut -d ' ' -f 1)"`,
  ].join('\n');
}

async function takeSnapshot(remote: Remote, o: BackupOptions, path: string): Promise<{ ok: true; content: Buffer } | { ok: false; error: string }> {
  const result = await remote.run(o.init, snapshotScript(path), {
    timeoutMs: 300_000,
    signal: o.signal,
    onLine: (line) => {
      if (!line.startsWith('RACKPILOT-SHA256 ')) o.log(`${o.init.name}: ${line}`);
    },
  });
  if (result.exitCode !== 0) return { ok: false, error: lastLines(result.stderr || result.stdout) || `exit ${result.exitCode ?? result.signal}` };
  const onNode = /^RACKPILOT-SHA256 ([0-9a-f]{64})$/m.exec(result.stdout)?.[1];
  let content: Buffer;
  try {
    content = await remote.readFile(o.init, path, { signal: o.signal, maxBytes: MAX_SNAPSHOT_BYTES });
  } catch (e) {
    if (o.signal.aborted) throw e;
    return { ok: false, error: `the snapshot was saved on ${o.init.name} at ${path} but could not be copied: ${errorText(e)}` };
  }
  if (onNode && sha256(content) !== onNode) return { ok: false, error: `the copy of ${path} does not match the file on ${o.init.name} (sha256 differs)` };
  return { ok: true, content };
}

/** The PKI folder as a tar.gz, streamed as base64 (binary survives the line-split output that way). */
async function readPkiTarball(remote: Remote, o: BackupOptions): Promise<Buffer | null> {
  const script = [
    `[ -d ${PKI_DIR} ] || exit 3`,
    'tmp=$(mktemp) || exit 1',
    `tar czf "$tmp" -C ${PKI_DIR.replace(/\/pki$/, '')} pki || { rm -f "$tmp"; exit 1; }`,
    // The final newline matters: the streamed output only hands over complete lines.
    'base64 -w 0 < "$tmp"; rc=$?; echo; rm -f "$tmp"; exit $rc',
  ].join('\n');
  const pieces: string[] = [];
  const result = await remote.run(o.init, script, { timeoutMs: 120_000, signal: o.signal, onLine: (line, stream) => {
      if (stream === 'stdout') pieces.push(line);
    },
  });
  if (result.exitCode === 3) return null;
  if (result.exitCode !== 0) throw new RackpilotError(BACKUP_FAILED, `Could not pack ${PKI_DIR} on ${o.init.name}: ${lastLines(result.stderr) || `exit ${result.exitCode}`}. Nothing was removed; fix that, then start the teardown again.`);
  return Buffer.from(pieces.join(''), 'base64');
}

async function readAdminConf(remote: Remote, o: BackupOptions): Promise<Buffer | null> {
  const exists = await remote.run(o.init, `[ -f ${ADMIN_CONF} ]`, { timeoutMs: 30_000, signal: o.signal });
  if (exists.exitCode !== 0) return null;
  return remote.readFile(o.init, ADMIN_CONF, { signal: o.signal, maxBytes: 1024 * 1024 });
}

export async function takeBackup(remote: Remote, o: BackupOptions): Promise<BackupOutcome> {
  const now = o.now ?? new Date();
  const path = `${ETCD_DATA_DIR}/rackpilot-snapshot-${stamp(now)}.db`;
  const warnings: string[] = [];
  const files: { name: string; content: Buffer }[] = [];

  o.log(`Saving an etcd snapshot on ${o.init.name} to ${path}`);
  const snapshot = await takeSnapshot(remote, o, path);
  if (snapshot.ok) {
    files.push({ name: BACKUP_FILES.snapshot, content: snapshot.content });
  } else {
    const api = await apiServerAnswers(remote, o.init, o.signal);
    if (api.ok) {
      throw new RackpilotError(
        BACKUP_FAILED,
        `Could not take an etcd snapshot of ${o.clusterName} on ${o.init.name} (${snapshot.error}), and its API server still answers: ` +
          'tearing it down now would lose its state for good, so nothing was removed. Check etcd on that node ' +
          `(sudo crictl ps --name etcd; sudo crictl logs <id>) and the free space in ${ETCD_DATA_DIR}, then start the teardown again.`,
        { node: o.init.name, snapshotError: snapshot.error },
      );
    }
    const warning = `No etcd snapshot: ${snapshot.error}. The API server does not answer either (${api.error}), so there was no live state to save; the backup holds the PKI and the admin kubeconfig only.`;
    warnings.push(warning);
    o.log(`Warning: ${warning}`);
  }

  const pki = await readPkiTarball(remote, o);
  if (pki) files.push({ name: BACKUP_FILES.pki, content: pki });
  else warnings.push(`${PKI_DIR} is missing on ${o.init.name} (already reset?): the backup has no PKI.`);
  const adminConf = await readAdminConf(remote, o);
  if (adminConf) files.push({ name: BACKUP_FILES.adminConf, content: adminConf });
  else warnings.push(`${ADMIN_CONF} is missing on ${o.init.name} (already reset?): the backup has no admin kubeconfig.`);
  const apiServerUrl = adminConf ? (/^\s*server:\s*["']?([^"'\s]+)/m.exec(adminConf.toString('utf8'))?.[1] ?? null) : null;

  if (files.length === 0) {
    o.log(`Nothing left to back up on ${o.init.name}: it was already reset.`);
    return { backup: null, warnings, apiServerUrl };
  }
  const { backup } = writeBackup(o.backupDir, files, { cluster: o.clusterName, takenAt: now.toISOString(), reason: o.reason, sourceNode: o.init.name, notes: warnings });
  for (const f of backup.files) o.log(`Backed up ${f.name} (${f.bytes} bytes, sha256 ${f.sha256}) to ${backup.dir}`);
  return { backup, warnings, apiServerUrl };
}
