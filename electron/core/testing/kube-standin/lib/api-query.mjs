/**
 * The request-side language of the API: label and field selectors, merge and JSON patches,
 * and the URL layout /api/v1/[namespaces/<ns>/]<plural>[/<name>[/<subresource>]] (also /apis/<g>/<v>/…).
 */
import { ApiError } from './store.mjs';

/** A label selector's test, for "a=b,c!=d,e,!f,g in (x,y),h notin (z)". */
export function labelMatcher(selector) {
  if (!selector) return () => true;
  const reqs = [];
  const parts = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    let m;
    if ((m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw))) {
      const values = m[3].split(',').map((v) => v.trim());
      const key = m[1];
      reqs.push(m[2] === 'in' ? (l) => key in l && values.includes(l[key]) : (l) => !(key in l) || !values.includes(l[key]));
    } else if ((m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(raw))) {
      const [, key, op, value] = m;
      reqs.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
    } else if ((m = /^!(\S+)$/.exec(raw))) {
      const key = m[1];
      reqs.push((l) => !(key in l));
    } else if (/^\S+$/.test(raw)) {
      reqs.push((l) => raw in l);
    } else {
      throw new ApiError(400, 'BadRequest', `unable to parse requirement: found '${raw}', expected: identifier`);
    }
  }
  return (obj) => reqs.every((r) => r(obj.metadata?.labels ?? {}));
}

const FIELD_ALIASES = { 'metadata.name': ['metadata', 'name'], 'metadata.namespace': ['metadata', 'namespace'] };

/** A field selector's test: "spec.nodeName=n1,status.phase!=Running". */
export function fieldMatcher(selector) {
  if (!selector) return () => true;
  const reqs = selector.split(',').filter(Boolean).map((raw) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(raw.trim());
    if (!m) throw new ApiError(400, 'BadRequest', `invalid selector: '${raw}'; can't understand '${raw}'`);
    const path = FIELD_ALIASES[m[1]] ?? m[1].split('.');
    const want = m[3];
    return (obj) => {
      const v = path.reduce((o, k) => (o == null ? undefined : o[k]), obj);
      const same = String(v ?? '') === want;
      return m[2] === '!=' ? !same : same;
    };
  });
  return (obj) => reqs.every((r) => r(obj));
}

/** RFC 7386 JSON merge patch (also used for strategic merge patches, lists replaced whole). */
export function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k.startsWith('$setElementOrder') || k.startsWith('$retainKeys')) continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** RFC 6902 JSON patch: add, replace, remove, test. */
export function jsonPatch(target, ops) {
  const doc = JSON.parse(JSON.stringify(target));
  for (const op of ops) {
    const keys = String(op.path).split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop();
    const parent = keys.reduce((o, k) => (o == null ? o : o[k]), doc);
    if (parent == null) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: "${op.path}"`);
    if (op.op === 'test') {
      if (JSON.stringify(parent[last]) !== JSON.stringify(op.value)) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${op.path} failed`);
    } else if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (Array.isArray(parent) && op.op === 'add') {
      parent.splice(last === '-' ? parent.length : Number(last), 0, op.value);
    } else parent[last] = op.value;
  }
  return doc;
}

/**
 * The parts of a resource URL: { group, version, namespace, plural, name, subresource }, or null for
 * anything that is not one (then the path is a non-resource URL like /version).
 */
export function parseResourcePath(path) {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group;
  let version;
  let rest;
  if (segs[0] === 'api' && segs.length >= 2) [group, version, rest] = ['', segs[1], segs.slice(2)];
  else if (segs[0] === 'apis' && segs.length >= 3) [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
  else return null;
  if (rest.length === 0) return { group, version, discovery: true };
  let namespace = null;
  if (rest[0] === 'namespaces' && rest.length === 3 && ['status', 'finalize'].includes(rest[2])) {
    return { group, version, namespace: null, plural: 'namespaces', name: rest[1], subresource: rest[2] };
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length === 2) {
    return { group, version, namespace: null, plural: 'namespaces', name: rest[1] };
  }
  const [plural, name, subresource] = rest;
  return { group, version, namespace, plural, name, subresource };
}
