/**
 * kubeadm's commands against a running cluster: `token create|list|delete`, `init phase
 * upload-certs` and `certs check-expiration`. They talk to the API server with
 * /etc/kubernetes/admin.conf (or --kubeconfig), as the real ones do.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from './api-client.mjs';
import { generateToken, parseDuration, readTokenSecret, TOKEN } from './bootstrap-tokens.mjs';
import { fail, out } from './cli.mjs';
import { certDate, rfc3339, shortHumanDuration, tabwrite } from './format.mjs';
import { createToken, uploadCerts } from './kubeadm-cluster.mjs';
import { commandError } from './kubeadm-output.mjs';
import { loadKubeconfig, parseKubeconfig } from './kubeconfig.mjs';
import { KUBERNETES_DIR, PKI_DIR } from './paths.mjs';
import { caCertHash, certInfo } from './pki.mjs';

/** The admin client, or kubeadm's error when the kubeconfig cannot be read. */
export function adminClient(version, path = join(KUBERNETES_DIR, 'admin.conf')) {
  try {
    const loaded = loadKubeconfig(path);
    if (loaded.missing) throw commandError(version, `failed to load admin kubeconfig: open ${path}: no such file or directory`);
    return new ApiClient(loaded.config);
  } catch (e) {
    if (e.code === 1) throw e;
    throw commandError(version, `failed to load admin kubeconfig: ${e.message.replace(/^error loading config file "[^"]*": /, '')}`);
  }
}

/** Wraps API failures the way kubeadm reports them ("<what>: <cause>"). */
export async function api(version, what, fn) {
  try {
    return await fn();
  } catch (e) {
    throw commandError(version, `${what}: ${e.message}`);
  }
}

export async function tokenCreate(version, flags, positional) {
  const client = adminClient(version, flags.kubeconfig);
  const token = positional[0] ?? generateToken();
  if (!TOKEN.test(token)) throw commandError(version, `the bootstrap token "${token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`);
  let ttlMs = 24 * 3_600_000;
  if (flags.ttl !== undefined) {
    try {
      ttlMs = parseDuration(flags.ttl);
    } catch (e) {
      fail(1, `invalid argument "${flags.ttl}" for "--ttl" flag: ${e.message}`);
    }
  }
  const list = (v) => (v === undefined ? undefined : [].concat(v).flatMap((x) => x.split(',')));
  await api(version, `failed to create or update bootstrap token with name bootstrap-token-${token.slice(0, 6)}`, () =>
    createToken(client, { token, ttlMs, description: flags.description, usages: list(flags.usages), groups: list(flags.groups) }),
  );
  if (!flags['print-join-command']) {
    out(token);
    return;
  }
  const server = client.conn.server.replace(/^https:\/\//, '').replace(/\/$/, '');
  const hash = caCertHash(client.conn.caCert);
  const cp = flags['certificate-key'] ? ` --control-plane --certificate-key ${flags['certificate-key']}` : '';
  out(`kubeadm join ${server} --token ${token} --discovery-token-ca-cert-hash ${hash} ${cp}`.replace(/ {2}--control-plane/, ' --control-plane'));
}

export async function tokenList(version, flags) {
  const client = adminClient(version, flags.kubeconfig);
  const secrets = await api(version, 'failed to list bootstrap tokens', () => client.get('/api/v1/namespaces/kube-system/secrets?fieldSelector=type%3Dbootstrap.kubernetes.io%2Ftoken'));
  const now = Date.now();
  const pad = (s, w) => String(s).padEnd(w);
  out(`${pad('TOKEN', 26)}${pad('TTL', 12)}${pad('EXPIRES', 23)}${pad('USAGES', 25)}${pad('DESCRIPTION', 59)}EXTRA GROUPS`);
  for (const s of secrets.items ?? []) {
    const t = readTokenSecret(s);
    const ttl = t.expiration ? shortHumanDuration(t.expiration - now) : '<forever>';
    const expires = t.expiration ? rfc3339(new Date(t.expiration)) : '<never>';
    out(`${pad(`${t.id}.${t.secret}`, 26)}${pad(ttl, 12)}${pad(expires, 23)}${pad(t.usages.join(',') || '<none>', 25)}${pad(t.description || '<none>', 59)}${t.groups.join(',') || '<none>'}`);
  }
}

export async function tokenDelete(version, flags, positional) {
  const client = adminClient(version, flags.kubeconfig);
  if (positional.length === 0) fail(1, 'missing argument; \'token delete\' is missing token of form "[a-z0-9]{6}" or "[a-z0-9]{6}\\.[a-z0-9]{16}"');
  for (const arg of positional) {
    const id = arg.split('.')[0];
    await api(version, `failed to delete bootstrap token "${id}"`, () => client.delete(`/api/v1/namespaces/kube-system/secrets/bootstrap-token-${id}`));
    out(`bootstrap token "${id}" deleted`);
  }
}

export async function uploadCertsPhase(version, flags) {
  if (!flags['upload-certs']) {
    out('[upload-certs] Skipping phase. Please see --upload-certs');
    return;
  }
  const client = adminClient(version, flags.kubeconfig);
  const key = flags['certificate-key'] ?? randomBytes(32).toString('hex');
  if (!/^[0-9a-f]{64}$/.test(key)) fail(1, 'error: error execution phase upload-certs: error uploading certs: error decoding certificate key: encoding/hex: invalid byte\nTo see the stack trace of this error execute with --v=5 or higher');
  out('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
  await api(version, 'error execution phase upload-certs: error uploading certs', () => uploadCerts(client, key));
  out('[upload-certs] Using certificate key:');
  out(key);
}

const CERTS = [
  ['admin.conf', 'ca', 'kubeconfig'], ['apiserver', 'ca'], ['apiserver-etcd-client', 'etcd-ca'], ['apiserver-kubelet-client', 'ca'],
  ['controller-manager.conf', 'ca', 'kubeconfig'], ['etcd-healthcheck-client', 'etcd-ca', 'etcd/healthcheck-client'], ['etcd-peer', 'etcd-ca', 'etcd/peer'],
  ['etcd-server', 'etcd-ca', 'etcd/server'], ['front-proxy-client', 'front-proxy-ca'], ['scheduler.conf', 'ca', 'kubeconfig'], ['super-admin.conf', 'ca', 'kubeconfig'],
];
const CAS = [['ca', 'ca'], ['etcd-ca', 'etcd/ca'], ['front-proxy-ca', 'front-proxy-ca']];

function certPem(name, kind) {
  if (kind === 'kubeconfig') {
    const file = join(KUBERNETES_DIR, name);
    return existsSync(file) ? parseKubeconfig(readFileSync(file, 'utf8'), file)?.cert ?? null : null;
  }
  const file = join(PKI_DIR, `${kind ?? name}.crt`);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

export async function checkExpiration(version, flags) {
  let fromCluster = false;
  try {
    const loaded = loadKubeconfig(flags.kubeconfig ?? join(KUBERNETES_DIR, 'admin.conf'));
    if (loaded.config) fromCluster = Boolean(await new ApiClient(loaded.config, { timeoutMs: 5000 }).find('/api/v1/namespaces/kube-system/configmaps/kubeadm-config'));
  } catch {
    fromCluster = false;
  }
  if (fromCluster) {
    out('[check-expiration] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
    out("[check-expiration] Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.");
  } else {
    out('[check-expiration] Reading configuration from the cluster...');
    out("[check-expiration] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'");
    out('[check-expiration] Error reading configuration from the Cluster. Falling back to default configuration');
  }
  out('');
  const now = Date.now();
  const row = (name, pem, ca) => {
    if (!pem) return [`!MISSING! ${name}`, '', '', ...(ca !== undefined ? [''] : []), ''];
    const end = certInfo(pem).notAfter;
    return [name, certDate(end), shortHumanDuration(end.getTime() - now), ...(ca !== undefined ? [ca] : []), 'no'.padEnd(8)];
  };
  const table = (header, rows) => tabwrite([header, ...rows], { minwidth: 10, padding: 3 }).forEach((l) => out(l));
  table(['CERTIFICATE', 'EXPIRES', 'RESIDUAL TIME', 'CERTIFICATE AUTHORITY', 'EXTERNALLY MANAGED'], CERTS.map(([name, ca, kind]) => row(name, certPem(name, kind), ca)));
  out('');
  table(['CERTIFICATE AUTHORITY', 'EXPIRES', 'RESIDUAL TIME', 'EXTERNALLY MANAGED'], CAS.map(([name, file]) => row(name, certPem(name, file))));
}
