/**
 * The kubeconfig Rackpilot hands out for a cluster: kubeadm's admin.conf with the server
 * rewritten to the cluster's endpoint (admin.conf names the init node's advertise address, which
 * is wrong once there is a load-balanced endpoint or the node is reached by another address) and
 * every entry named after the cluster, so that merging two clusters' files does not collide on
 * kubeadm's fixed "kubernetes" / "kubernetes-admin" names.
 *
 * Only embedded certificate credentials are carried over. An `exec:` or `auth-provider:` user,
 * or file paths, would make Rackpilot (and the user's kubectl) run commands or read files named
 * by whatever wrote admin.conf on the node; kubeadm never writes those, so they are refused.
 */
import { parse, stringify } from 'yaml';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import { embeddedCertificate, isEmbeddedKey, kubeconfigEntries, type NamedEntry } from './kubeconfig-model';

export function adminUserName(clusterName: string): string {
  return `${clusterName}-admin`;
}

/** "host:port" (or a URL someone pasted) → the https URL kubectl dials. */
export function serverUrl(endpoint: string): string {
  const bare = endpoint.trim().replace(/^https:\/\//i, '').replace(/\/+$/, '');
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(bare)) {
    throw new RackpilotError(
      ErrorCode.Validation,
      `The control-plane endpoint "${endpoint}" is not a host:port: set the cluster's endpoint to e.g. 192.168.50.10:6443.`,
    );
  }
  return `https://${bare}`;
}

function notKubeconfig(why: string): RackpilotError {
  return new RackpilotError(
    ErrorCode.Validation,
    `The admin kubeconfig fetched from the cluster is not usable: ${why}. It should be kubeadm's /etc/kubernetes/admin.conf from the first control plane; check that file on the node (sudo kubeadm init phase kubeconfig admin rewrites it) and run the bootstrap again to fetch it.`,
  );
}

function pick(entries: NamedEntry[], name: string | null, what: string): NamedEntry {
  const found = name !== null ? entries.find((e) => e.name === name) : entries.length === 1 ? entries[0] : undefined;
  if (!found) throw notKubeconfig(name !== null ? `it has no ${what} named "${name}"` : `it has ${entries.length} ${what}s and no current-context to choose one`);
  return found;
}

export function clusterKubeconfig(adminConf: string, o: { clusterName: string; endpoint: string }): { yaml: string; contextName: string } {
  let doc: unknown;
  try {
    doc = parse(adminConf);
  } catch (err) {
    throw notKubeconfig(`it is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const entries = kubeconfigEntries(doc);
  if ('problem' in entries) throw notKubeconfig(entries.problem);
  if (!entries.clusters.length || !entries.users.length || !entries.contexts.length) {
    throw notKubeconfig('it lacks clusters, users or contexts');
  }
  const context = pick(entries.contexts, entries.currentContext, 'context');
  const cluster = pick(entries.clusters, typeof context.body.cluster === 'string' ? context.body.cluster : null, 'cluster');
  const user = pick(entries.users, typeof context.body.user === 'string' ? context.body.user : null, 'user');

  const caData = cluster.body['certificate-authority-data'];
  if (!embeddedCertificate(caData)) throw notKubeconfig(`cluster "${cluster.name}" has no embedded CA certificate (certificate-authority-data)`);
  const certData = user.body['client-certificate-data'];
  const keyData = user.body['client-key-data'];
  if (!embeddedCertificate(certData) || !isEmbeddedKey(keyData)) {
    throw notKubeconfig(`user "${user.name}" has no embedded client certificate and key (client-certificate-data, client-key-data)`);
  }

  const contextName = o.clusterName;
  const userName = adminUserName(o.clusterName);
  const yaml = stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: o.clusterName, cluster: { 'certificate-authority-data': caData, server: serverUrl(o.endpoint) } }],
      users: [{ name: userName, user: { 'client-certificate-data': certData, 'client-key-data': keyData } }],
      contexts: [{ name: contextName, context: { cluster: o.clusterName, user: userName } }],
      'current-context': contextName,
      preferences: {},
    },
    // kubectl's own layout: list items flush with their key, base64 never folded.
    { lineWidth: 0, indentSeq: false },
  );
  return { yaml, contextName };
}
