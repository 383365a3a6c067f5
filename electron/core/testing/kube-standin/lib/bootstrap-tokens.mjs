/**
 * Bootstrap tokens as Kubernetes keeps them (k8s.io/cluster-bootstrap): a kube-system Secret
 * "bootstrap-token-<id>" of type bootstrap.kubernetes.io/token, and the bootstrap signer's
 * detached JWS of cluster-info's kubeconfig per signing token ("jws-kubeconfig-<id>": HS256 with
 * the token secret as key, header {"alg":"HS256","kid":"<id>"}). Joining nodes check that
 * signature to trust what they read before they trust the CA.
 */
import { createHmac, randomInt } from 'node:crypto';
import { rfc3339 } from './format.mjs';

const b64 = (s) => Buffer.from(s).toString('base64');
const unb64 = (s) => Buffer.from(s ?? '', 'base64').toString('utf8');
const b64url = (buf) => Buffer.from(buf).toString('base64url');

export const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
export const DEFAULT_GROUP = 'system:bootstrappers:kubeadm:default-node-token';

/** A random token in kubeadm's format. */
export function generateToken() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');
  return `${pick(6)}.${pick(16)}`;
}

/** Go duration → ms ("24h0m0s", "2h", "90m", "1s", "0" = never). */
export function parseDuration(text) {
  if (text === undefined || text === null) return null;
  const s = String(text).trim();
  if (s === '0' || s === '0s') return 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g;
  let total = 0;
  let matched = '';
  for (let m; (m = re.exec(s)); ) {
    matched += m[0];
    total += Number(m[1]) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, ns: 0.000001 }[m[2]];
  }
  if (matched !== s) throw new Error(`time: invalid duration "${s}"`);
  return total;
}

/** The Secret for a token. ttlMs 0 = never expires. */
export function tokenSecret({ token, ttlMs, description, usages = ['signing', 'authentication'], groups = [DEFAULT_GROUP], now = Date.now() }) {
  const [, id, secret] = TOKEN.exec(token);
  const data = { 'token-id': b64(id), 'token-secret': b64(secret) };
  if (description) data.description = b64(description);
  if (ttlMs) data.expiration = b64(rfc3339(new Date(now + ttlMs)));
  for (const u of usages) data[`usage-bootstrap-${u}`] = b64('true');
  if (groups.length) data['auth-extra-groups'] = b64(groups.join(','));
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token', data };
}

/** What a token Secret says: { id, secret, expiration (ms or null), usages, groups, description }. */
export function readTokenSecret(s) {
  const d = s.data ?? {};
  const exp = unb64(d.expiration);
  return {
    id: unb64(d['token-id']),
    secret: unb64(d['token-secret']),
    expiration: exp ? Date.parse(exp) : null,
    usages: ['authentication', 'signing'].filter((u) => unb64(d[`usage-bootstrap-${u}`]) === 'true'),
    groups: unb64(d['auth-extra-groups']).split(',').filter(Boolean),
    description: unb64(d.description),
  };
}

/** jws.ComputeDetachedSignature: "<header>..<signature>". */
export function detachedJws(content, id, secret) {
  const header = b64url(JSON.stringify({ alg: 'HS256', kid: id }));
  const payload = b64url(content);
  const sig = b64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
  return `${header}..${sig}`;
}
