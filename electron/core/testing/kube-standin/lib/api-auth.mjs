/**
 * Who is calling and what they may do, as a kubeadm cluster's API server decides it: X.509
 * client certificates signed by the cluster CA (user = CN, groups = O), bootstrap tokens from
 * the kube-system bootstrap-token-<id> Secrets (until they expire), anonymous requests allowed
 * only what kubeadm's RBAC grants system:unauthenticated (/version, health, cluster-info), and
 * impersonation for admins (how a joined control plane's API server forwards requests).
 */
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from './store.mjs';
import { T } from './scheduling.mjs';

const ADMIN_GROUPS = ['system:masters', 'kubeadm:cluster-admins'];
const PUBLIC_PATHS = ['/version', '/readyz', '/livez', '/healthz'];
const unb64 = (s) => Buffer.from(s ?? '', 'base64').toString('utf8');

/** The bootstrap token's identity, or null when unknown, expired or not for authentication. */
export function bootstrapTokenUser(store, token, now = Date.now()) {
  const m = /^([a-z0-9]{6})\.([a-z0-9]{16})$/.exec(token);
  if (!m) return null;
  const secret = store.get(T.Secret, 'kube-system', `bootstrap-token-${m[1]}`);
  if (!secret || secret.type !== 'bootstrap.kubernetes.io/token') return null;
  const d = secret.data ?? {};
  const expected = Buffer.from(unb64(d['token-secret']));
  const given = Buffer.from(m[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (unb64(d['usage-bootstrap-authentication']) !== 'true') return null;
  const expiration = unb64(d.expiration);
  if (expiration && Date.parse(expiration) <= now) return null;
  const extra = unb64(d['auth-extra-groups']).split(',').filter(Boolean);
  return { user: `system:bootstrap:${m[1]}`, groups: ['system:bootstrappers', ...extra, 'system:authenticated'] };
}

/** { user, groups } for the request; throws 401 for credentials that do not check out. */
export function authenticate(req, store) {
  const socket = req.socket;
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  let identity = null;
  if (peer && peer.subject) {
    if (!socket.authorized) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    const org = peer.subject.O;
    identity = { user: peer.subject.CN, groups: [...(Array.isArray(org) ? org : org ? [org] : []), 'system:authenticated'] };
  } else {
    const auth = req.headers.authorization ?? '';
    if (auth.startsWith('Bearer ')) {
      identity = bootstrapTokenUser(store, auth.slice(7).trim());
      if (!identity) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
  }
  if (!identity) return { user: 'system:anonymous', groups: ['system:unauthenticated'] };
  const as = req.headers['impersonate-user'];
  if (as) {
    if (!identity.groups.some((g) => ADMIN_GROUPS.includes(g))) {
      throw new ApiError(403, 'Forbidden', `users "${as}" is forbidden: User "${identity.user}" cannot impersonate resource "users" in API group "" at the cluster scope`);
    }
    const groups = [].concat(req.headers['impersonate-group'] ?? []).flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
    return { user: as, groups: [...groups, ...(as === 'system:anonymous' ? [] : ['system:authenticated'])] };
  }
  return identity;
}

/** Whether `who` may do `attrs` ({ verb, path } or { verb, type, namespace, name, subresource }). */
function allowed(who, attrs) {
  if (who.groups.some((g) => ADMIN_GROUPS.includes(g))) return true;
  if (!attrs.type) return PUBLIC_PATHS.some((p) => attrs.path === p || attrs.path.startsWith(`${p}/`)) || who.user !== 'system:anonymous';
  const { type, namespace, name, verb } = attrs;
  // kube-public's cluster-info is readable by everyone: it is how joining nodes find the cluster.
  if (type.plural === 'configmaps' && namespace === 'kube-public' && name === 'cluster-info' && verb === 'get') return true;
  if (who.user === 'system:anonymous') return false;
  if (who.groups.includes('system:bootstrappers')) {
    if (type.plural === 'configmaps' && namespace === 'kube-system' && ['kubeadm-config', 'kubelet-config', 'kube-proxy'].includes(name) && verb === 'get') return true;
    if (type.plural === 'secrets' && namespace === 'kube-system' && name === 'kubeadm-certs' && verb === 'get') return true;
    if (type.plural === 'certificatesigningrequests' && ['create', 'get', 'list', 'watch'].includes(verb)) return true;
    return type.plural === 'nodes' && verb === 'get';
  }
  if (who.groups.includes('system:nodes')) return type.plural !== 'secrets' || (verb === 'get' && name === 'kubeadm-certs');
  return true;
}

/** Throws 403 with the API server's wording when `who` may not do it. */
export function authorize(who, attrs) {
  if (allowed(who, attrs)) return;
  if (!attrs.type) {
    throw new ApiError(403, 'Forbidden', `forbidden: User "${who.user}" cannot ${attrs.verb} path "${attrs.path}"`);
  }
  const { type, namespace, name, verb, subresource } = attrs;
  const resource = subresource ? `${type.plural}/${subresource}` : type.plural;
  const what = `${type.plural}${type.group ? `.${type.group}` : ''}${name ? ` "${name}"` : ''}`;
  const scope = type.namespaced && namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  throw new ApiError(403, 'Forbidden', `${what} is forbidden: User "${who.user}" cannot ${verb} resource "${resource}" in API group "${type.group}" ${scope}`, {
    name, group: type.group || undefined, kind: type.plural,
  });
}
