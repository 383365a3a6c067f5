/**
 * Merges a cluster's kubeconfig into the user's (~/.kube/config by default) the way
 * `kubectl config set-*` would: only the cluster's own cluster/user/context entries are added or
 * replaced, everything else (other clusters, preferences, extensions, comments) is kept as it
 * was, and current-context is set only when the file had none, so the user's kubectl does not
 * suddenly point at another cluster. The original is backed up first; a file Rackpilot cannot
 * read as a kubeconfig, or an entry of the same name that belongs to another cluster, stops the
 * merge before anything is written.
 */
import { Document, isMap, isSeq, parse, parseDocument, type Node } from 'yaml';
import type { KubeconfigMergeResult } from '../../../../shared/domain/cluster-record';
import type { X509Certificate } from 'node:crypto';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { expandKubeconfigPath, readIfExists, realKubeconfigPath, writeAtomically, writeBackup } from './kubeconfig-file';
import { embeddedCertificate, kubeconfigEntries, SECTIONS, type NamedEntry } from './kubeconfig-model';
import { conflictError, findConflicts, type IncomingEntries } from './merge-conflicts';

function incomingEntries(incoming: string, contextName: string): Omit<IncomingEntries, 'earlierCas'> {
  const bad = (why: string) =>
    new RackpilotError(ErrorCode.Validation, `The cluster's kubeconfig cannot be merged: ${why}. Fetch it again by re-running the cluster's bootstrap.`);
  let entries;
  try {
    entries = kubeconfigEntries(parse(incoming));
  } catch (err) {
    throw bad(`it is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if ('problem' in entries) throw bad(entries.problem);
  const context = entries.contexts.find((c) => c.name === contextName);
  if (!context) throw bad(`it has no context named "${contextName}"`);
  const cluster = entries.clusters.find((c) => c.name === context.body.cluster);
  const user = entries.users.find((u) => u.name === context.body.user);
  if (!cluster || !user) throw bad(`context "${contextName}" refers to a cluster or user the file does not have`);
  const ca = embeddedCertificate(cluster.body['certificate-authority-data']);
  if (!ca) throw bad(`cluster "${cluster.name}" has no embedded CA certificate`);
  return { cluster, user, context, ca };
}

function corrupt(path: string, why: string): RackpilotError {
  return new RackpilotError(
    ErrorCode.Validation,
    `${path} is not a kubeconfig Rackpilot can read (${why}), so it was left untouched. Fix the file (kubectl config view shows what kubectl makes of it) or move it aside, then merge again — or download the cluster's kubeconfig instead.`,
  );
}

function readExisting(path: string, original: Buffer): Document {
  const doc = parseDocument(original.toString('utf8'));
  const first = doc.errors[0];
  if (first) {
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line}: ` : '';
    throw corrupt(path, `${where}${first.message.split('\n')[0]}`);
  }
  return doc;
}

function emptyKubeconfig(): Document {
  return new Document({ apiVersion: 'v1', kind: 'Config', preferences: {}, clusters: [], contexts: [], users: [], 'current-context': '' });
}

/** Replaces the first entry named like `entry` (dropping later duplicates) or appends it. */
function upsert(doc: Document, list: string, key: string, entry: NamedEntry): void {
  let seq = doc.get(list, true);
  if (!isSeq(seq)) {
    seq = doc.createNode([]);
    doc.set(list, seq);
  }
  if (!isSeq(seq)) return;
  // `users: []` in a block-style file: the entry added to it reads better as a block.
  if (seq.items.length === 0) seq.flow = false;
  const node = doc.createNode({ name: entry.name, [key]: entry.body }) as Node;
  const named = (item: unknown) => isMap(item) && item.get('name') === entry.name;
  const first = seq.items.findIndex(named);
  if (first < 0) {
    seq.items.push(node);
    return;
  }
  seq.items = seq.items.filter((item, i) => i === first || !named(item));
  seq.items[first] = node;
}

/** kubectl reads JSON kubeconfigs too; such a file stays JSON rather than turning into flow YAML. */
/** The CA certificates embedded in earlier admin kubeconfigs of the cluster; unreadable ones are skipped. */
function earlierCas(kubeconfigs: string[]): X509Certificate[] {
  const cas: X509Certificate[] = [];
  for (const text of kubeconfigs) {
    try {
      const entries = kubeconfigEntries(parse(text));
      if ('problem' in entries) continue;
      for (const c of entries.clusters) {
        const ca = embeddedCertificate(c.body['certificate-authority-data']);
        if (ca) cas.push(ca);
      }
    } catch {
      // A damaged backup only means that build's entries are not recognised.
    }
  }
  return cas;
}

function writtenAsJson(doc: Document): boolean {
  return isMap(doc.contents) && doc.contents.flow === true;
}

export function mergeKubeconfig(o: { path: string; incoming: string; contextName: string; now?: Date; earlierKubeconfigs?: string[] }): KubeconfigMergeResult {
  const path = expandKubeconfigPath(o.path);
  const target = realKubeconfigPath(path);
  const ours = { ...incomingEntries(o.incoming, o.contextName), earlierCas: earlierCas(o.earlierKubeconfigs ?? []) };

  const original = readIfExists(target);
  const doc = original === null ? emptyKubeconfig() : readExisting(path, original);
  const existing = kubeconfigEntries(doc.toJS());
  if ('problem' in existing) throw corrupt(path, existing.problem);
  const conflicts = findConflicts(existing, ours);
  if (conflicts.length) throw conflictError(path, o.contextName, conflicts);

  const replaced = existing.contexts.some((c) => c.name === o.contextName);
  for (const { list, key } of SECTIONS) {
    upsert(doc, list, key, list === 'clusters' ? ours.cluster : list === 'users' ? ours.user : ours.context);
  }
  if (!existing.currentContext) doc.set('current-context', o.contextName);
  const text = writtenAsJson(doc) ? `${JSON.stringify(doc.toJS(), null, 2)}\n` : doc.toString({ lineWidth: 0, indentSeq: false });

  const backupPath = original === null ? null : writeBackup(target, original, o.now ?? new Date());
  writeAtomically(target, text);
  return { path, contextName: o.contextName, backupPath, replaced };
}
