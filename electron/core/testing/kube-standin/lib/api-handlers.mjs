/**
 * The stand-in API server's REST semantics, transport-free: discovery and health endpoints,
 * list/get/create/update/patch/delete of every known resource (CRDs included), the subresources
 * a kubeadm cluster's clients use (nodes/status, pods/log, pods/eviction), CSR signing, and the
 * controllers' pass after every request. Objects have the real JSON shapes; errors are metav1.Status.
 */
import YAML from 'yaml';
import { authorize } from './api-auth.mjs';
import { fieldMatcher, jsonPatch, labelMatcher, mergePatch, parseResourcePath } from './api-query.mjs';
import { admit } from './api-admission.mjs';
import { effectiveFlannelConf, reconcile } from './controllers.mjs';
import { podLog } from './pod-status.mjs';
import { T } from './scheduling.mjs';
import { ApiError } from './store.mjs';

const notFoundPath = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
const ok = (json, status = 200) => ({ status, json });

export function versionInfo(version) {
  const [major, minor] = version.replace(/^v/, '').split('.');
  return {
    major, minor, emulationMajor: major, emulationMinor: minor, minCompatibilityMajor: major, minCompatibilityMinor: String(Number(minor) - 1),
    gitVersion: version, gitCommit: '0'.repeat(40), gitTreeState: 'clean', buildDate: '2025-09-09T19:44:50Z',
    goVersion: 'go1.24.6', compiler: 'gc', platform: 'linux/amd64',
  };
}

const CHECKS = ['ping', 'log', 'etcd', 'etcd-readiness', 'informer-sync', 'poststarthook/start-apiserver-admission-initializer', 'poststarthook/bootstrap-controller', 'poststarthook/rbac/bootstrap-roles', 'shutdown'];

function nonResource(store, path, query, serverAddress) {
  if (path === '/version') return ok(versionInfo(store.meta.kubernetesVersion));
  const health = /^\/(readyz|livez|healthz)(\/.*)?$/.exec(path);
  if (health) {
    if (!query.has('verbose')) return { status: 200, text: 'ok' };
    return { status: 200, text: `${CHECKS.map((c) => `[+]${c} ok`).join('\n')}\n${health[1]} check passed\n` };
  }
  const types = store.types();
  if (path === '/api') return ok({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] });
  if (path === '/apis') {
    const groups = [...new Map(types.filter((t) => t.group).map((t) => [t.group, t])).values()].map((t) => ({
      name: t.group, versions: [{ groupVersion: t.groupVersion, version: t.version }], preferredVersion: { groupVersion: t.groupVersion, version: t.version },
    }));
    return ok({ kind: 'APIGroupList', apiVersion: 'v1', groups });
  }
  throw notFoundPath();
}

function discovery(types, group, version) {
  const resources = types.filter((t) => t.group === group && t.version === version).map((t) => ({
    name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, shortNames: t.shortNames.length ? t.shortNames : undefined,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  }));
  if (resources.length === 0) throw notFoundPath();
  return ok({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources });
}

function parseBody(body, contentType = '') {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? '');
  if (!text.trim()) throw new ApiError(400, 'BadRequest', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  try {
    return contentType.includes('yaml') ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `the body of the request was in an unknown format: ${e.message}`);
  }
}

/** Lists drop each item's apiVersion/kind, as the real API does. */
function listOf(store, type, items) {
  return {
    kind: `${type.kind}List`, apiVersion: type.groupVersion, metadata: { resourceVersion: String(store.state.resourceVersion) },
    items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
  };
}

function patchObject(existing, body, contentType) {
  if (contentType.includes('json-patch')) return jsonPatch(existing, parseBody(body, contentType));
  return mergePatch(existing, parseBody(body, contentType));
}

function subresource(store, who, r, type, method, query, body, contentType) {
  const { namespace, name, subresource: sub } = r;
  if (type.plural === 'pods' && sub === 'log' && method === 'GET') {
    authorize(who, { verb: 'get', type, namespace, name, subresource: 'log' });
    const pod = store.mustGet(type, namespace, name);
    const container = query.get('container') ?? pod.spec.containers?.[0]?.name;
    const cs = (pod.status?.containerStatuses ?? []).find((c) => c.name === container);
    if (!cs) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    const waiting = cs.state?.waiting;
    if (waiting && waiting.reason !== 'CrashLoopBackOff') throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${waiting.reason}`);
    const node = store.get(T.Node, null, pod.spec.nodeName);
    let lines = podLog(pod, { node, flannelConf: effectiveFlannelConf(store, pod) });
    if (query.has('tailLines')) lines = lines.slice(-Number(query.get('tailLines')));
    return { status: 200, text: lines.map((l) => `${l}\n`).join('') };
  }
  if (type.plural === 'pods' && sub === 'eviction' && method === 'POST') {
    authorize(who, { verb: 'create', type, namespace, name, subresource: 'eviction' });
    store.mustGet(type, namespace, name);
    store.delete(type, namespace, name);
    return ok({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, 201);
  }
  if (sub === 'status') {
    const verb = method === 'GET' ? 'get' : method === 'PUT' ? 'update' : 'patch';
    authorize(who, { verb, type, namespace, name, subresource: 'status' });
    if (method === 'GET') return ok(store.mustGet(type, namespace, name));
    const existing = store.mustGet(type, namespace, name);
    const next = method === 'PUT' ? parseBody(body, contentType) : patchObject(existing, body, contentType);
    return ok(store.mutate(type, namespace, name, (o) => {
      o.status = next.status;
    }));
  }
  throw notFoundPath();
}

/** One request. req: { method, path, query (URLSearchParams), headers, body, who, serverAddress, signCsr }. */
export function handle(store, req) {
  const { method, path, query, headers = {}, body, who } = req;
  const contentType = String(headers['content-type'] ?? 'application/json');
  const r = parseResourcePath(path);
  if (!r) {
    authorize(who, { verb: method.toLowerCase(), path });
    return nonResource(store, path, query, req.serverAddress);
  }
  reconcile(store);
  const types = store.types();
  if (r.discovery) return discovery(types, r.group, r.version);
  const type = types.find((t) => t.group === r.group && t.version === r.version && t.plural === r.plural);
  if (!type) throw notFoundPath();
  const namespace = type.namespaced ? r.namespace : null;
  try {
    if (r.subresource) return subresource(store, who, { ...r, namespace }, type, method, query, body, contentType);
    return resource(store, req, { type, namespace, name: r.name, method, query, body, contentType });
  } finally {
    reconcile(store);
    store.save();
  }
}

function resource(store, req, { type, namespace, name, method, query, body, contentType }) {
  const { who } = req;
  if (method === 'GET' && name) {
    authorize(who, { verb: 'get', type, namespace, name });
    return ok(store.mustGet(type, namespace, name));
  }
  if (method === 'GET') {
    const watch = ['true', '1'].includes(query.get('watch') ?? '');
    authorize(who, { verb: watch ? 'watch' : 'list', type, namespace });
    const labels = labelMatcher(query.get('labelSelector'));
    const fields = fieldMatcher(query.get('fieldSelector'));
    const items = store.list(type, namespace).filter((o) => labels(o) && fields(o));
    if (watch) return { status: 200, stream: items.map((o) => ({ type: 'ADDED', object: o })) };
    return ok(listOf(store, type, items));
  }
  if (method === 'POST') {
    const obj = parseBody(body, contentType);
    if (obj.kind && obj.kind !== type.kind) throw new ApiError(400, 'BadRequest', `the API version in the data (${obj.apiVersion}) does not match the expected API version (${type.groupVersion})`);
    if (namespace && obj.metadata?.namespace && obj.metadata.namespace !== namespace) {
      throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    authorize(who, { verb: 'create', type, namespace, name: obj.metadata?.name });
    const input = admit(store, type, { ...obj, metadata: { ...(obj.metadata ?? {}), ...(namespace ? { namespace } : {}) } }, req);
    return ok(store.create(type, input), 201);
  }
  if (method === 'PUT' && name) {
    authorize(who, { verb: 'update', type, namespace, name });
    const obj = parseBody(body, contentType);
    const existing = store.mustGet(type, namespace, name);
    const rv = obj.metadata?.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${type.plural}${type.group ? `.${type.group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, kind: type.plural });
    }
    return ok(store.update(type, { ...obj, metadata: { ...obj.metadata, name, ...(namespace ? { namespace } : {}) }, status: obj.status ?? existing.status }));
  }
  if (method === 'PATCH' && name) {
    authorize(who, { verb: 'patch', type, namespace, name });
    const existing = store.get(type, namespace, name);
    if (!existing && contentType.includes('apply-patch')) return ok(store.create(type, admit(store, type, { ...parseBody(body, contentType), metadata: { name, ...(namespace ? { namespace } : {}) } }, req)), 201);
    if (!existing) store.mustGet(type, namespace, name);
    return ok(store.update(type, patchObject(existing, body, contentType)));
  }
  if (method === 'DELETE' && name) {
    authorize(who, { verb: 'delete', type, namespace, name });
    return ok(store.delete(type, namespace, name));
  }
  if (method === 'DELETE') {
    authorize(who, { verb: 'deletecollection', type, namespace });
    const labels = labelMatcher(query.get('labelSelector'));
    const gone = store.list(type, namespace).filter(labels).map((o) => store.delete(type, o.metadata.namespace, o.metadata.name));
    return ok(listOf(store, type, gone));
  }
  throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
}
