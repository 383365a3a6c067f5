/**
 * When may the merge replace an entry that already has the name it wants? Only when the entry
 * is provably this cluster's: a cluster entry with the same CA certificate, a user whose client
 * certificate that CA signed, a context whose cluster entry has that CA. Anything else is
 * somebody else's cluster, and silently overwriting it would cut the user off from it. An earlier
 * build of this cluster (whose CA a rebuild replaced) counts as this cluster's when the caller
 * passes that CA, which Rackpilot keeps in the cluster's backups.
 */
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { embeddedCertificate, issuedBy, sameCertificate, type KubeconfigEntries, type NamedEntry } from './kubeconfig-model';
import type { X509Certificate } from 'node:crypto';

export interface IncomingEntries {
  cluster: NamedEntry;
  user: NamedEntry;
  context: NamedEntry;
  ca: X509Certificate;
  /** CAs of earlier builds of the same cluster (from its backups): their entries are replaced too. */
  earlierCas: X509Certificate[];
}

export interface MergeConflict {
  kind: 'context' | 'cluster' | 'user';
  name: string;
  /** Why the entry is not this cluster's. */
  why: string;
}

function clusterCa(existing: KubeconfigEntries, clusterName: unknown): { ca: X509Certificate | null; why: string } {
  if (typeof clusterName !== 'string') return { ca: null, why: 'it names no cluster' };
  const cluster = existing.clusters.find((c) => c.name === clusterName);
  if (!cluster) return { ca: null, why: `its cluster "${clusterName}" is not in the file` };
  const ca = embeddedCertificate(cluster.body['certificate-authority-data']);
  return { ca, why: ca ? `its cluster "${clusterName}" has a different CA` : `its cluster "${clusterName}" has no embedded CA to compare` };
}

export function findConflicts(existing: KubeconfigEntries, ours: IncomingEntries): MergeConflict[] {
  const conflicts: MergeConflict[] = [];
  const cas = [ours.ca, ...ours.earlierCas];
  const ourCa = (ca: X509Certificate | null) => cas.some((known) => sameCertificate(ca, known));
  const ourUser = (cert: X509Certificate | null) => cas.some((known) => issuedBy(cert, known));
  for (const context of existing.contexts.filter((c) => c.name === ours.context.name)) {
    const { ca, why } = clusterCa(existing, context.body.cluster);
    if (!ourCa(ca)) conflicts.push({ kind: 'context', name: context.name, why });
  }
  for (const cluster of existing.clusters.filter((c) => c.name === ours.cluster.name)) {
    const ca = embeddedCertificate(cluster.body['certificate-authority-data']);
    if (!ourCa(ca)) conflicts.push({ kind: 'cluster', name: cluster.name, why: ca ? 'it has a different CA' : 'it has no embedded CA to compare' });
  }
  for (const user of existing.users.filter((u) => u.name === ours.user.name)) {
    const cert = embeddedCertificate(user.body['client-certificate-data']);
    if (!ourUser(cert)) {
      conflicts.push({ kind: 'user', name: user.name, why: cert ? "its client certificate was not issued by this cluster's CA" : 'it has no embedded client certificate to compare' });
    }
  }
  return conflicts;
}

/** Quotes a path for the shell only when it needs it, so the usual command stays easy to read. */
function shellArg(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function fixCommands(c: MergeConflict, path: string): string {
  const kubectl = `kubectl --kubeconfig ${shellArg(path)} config`;
  if (c.kind === 'context') return `\`${kubectl} rename-context ${c.name} ${c.name}-old\` keeps it under another name, \`${kubectl} delete-context ${c.name}\` removes it`;
  return `\`${kubectl} delete-${c.kind} ${c.name}\` removes it`;
}

/** One error naming every conflict and the kubectl commands that resolve each. */
export function conflictError(path: string, clusterName: string, conflicts: MergeConflict[]): RackpilotError {
  const what = conflicts.map((c) => `a ${c.kind} named "${c.name}" that belongs to a different cluster (${c.why})`).join('; ');
  const fixes = conflicts.map((c) => fixCommands(c, path)).join('; ');
  return new RackpilotError(
    ErrorCode.Conflict,
    `${path} already has ${what}, so Rackpilot changed nothing. If it is an earlier build of cluster ${clusterName}, or a cluster you no longer use, remove it; otherwise rename it (${fixes}). Then merge again.`,
    { conflicts },
  );
}
