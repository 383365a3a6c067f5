/**
 * kubeconfig files as kubeadm writes them (cmd/kubeadm/app/phases/kubeconfig, clientcmd's
 * serialisation: keys sorted, certificates embedded base64) and as kubectl/client-go load them.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';

const b64 = (s) => Buffer.from(s).toString('base64');
const unb64 = (s) => Buffer.from(s, 'base64').toString('utf8');

/**
 * A kubeconfig with one cluster/user/context. user: { name, certData, keyData } embeds the
 * credentials; { name, certFile, keyFile } points at files (kubelet.conf after TLS bootstrap);
 * { name, token } is a bootstrap-token kubeconfig.
 */
export function buildKubeconfig({ clusterName, server, caCert, user }) {
  const context = `${user.name}@${clusterName}`;
  const credentials = user.token
    ? { token: user.token }
    : user.certFile
      ? { 'client-certificate': user.certFile, 'client-key': user.keyFile }
      : { 'client-certificate-data': b64(user.certData), 'client-key-data': b64(user.keyData) };
  const doc = {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': b64(caCert), server }, name: clusterName }],
    contexts: [{ context: { cluster: clusterName, user: user.name }, name: context }],
    'current-context': context,
    kind: 'Config',
    preferences: {},
    users: [{ name: user.name, user: credentials }],
  };
  return YAML.stringify(doc, { lineWidth: 0, indentSeq: false });
}

export class KubeconfigError extends Error {}

/**
 * The current context's connection: { server, caCert, cert, key, token, clusterName, userName,
 * contextName }. Relative file paths resolve against the kubeconfig's directory, as client-go does.
 */
export function parseKubeconfig(text, path = '') {
  let doc;
  try {
    doc = YAML.parse(text) ?? {};
  } catch (e) {
    throw new KubeconfigError(`error loading config file "${path}": yaml: ${e.message.split('\n')[0]}`);
  }
  const contextName = doc['current-context'];
  const ctx = (doc.contexts ?? []).find((c) => c.name === contextName)?.context;
  if (!contextName || !ctx) return null;
  const cluster = (doc.clusters ?? []).find((c) => c.name === ctx.cluster)?.cluster;
  const user = (doc.users ?? []).find((u) => u.name === ctx.user)?.user ?? {};
  if (!cluster) return null;
  const base = path ? dirname(path) : process.cwd();
  const file = (f) => readFileSync(isAbsolute(f) ? f : resolve(base, f), 'utf8');
  const pick = (data, f) => (data ? unb64(data) : f ? file(f) : undefined);
  return {
    server: cluster.server,
    caCert: pick(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    cert: pick(user['client-certificate-data'], user['client-certificate']),
    key: pick(user['client-key-data'], user['client-key']),
    token: user.token,
    clusterName: ctx.cluster,
    userName: ctx.user,
    contextName,
  };
}

/** Loads a kubeconfig file the way kubectl reports problems with it. */
export function loadKubeconfig(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return { missing: true };
    const why = e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new KubeconfigError(`error loading config file "${path}": open ${path}: ${why}`);
  }
  return { config: parseKubeconfig(text, path) };
}

/** host:port of an https:// server URL. */
export function serverHostPort(server) {
  const u = new URL(server);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 443), hostPort: u.host };
}
