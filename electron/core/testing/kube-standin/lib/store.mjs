/**
 * The stand-in API server's storage: what etcd holds in a real cluster, as one JSON file
 * (/var/lib/etcd/standin-state.json) rewritten atomically after every change, so an "etcd
 * snapshot" (crictl exec … etcdctl snapshot save) copies it and `kubeadm reset` deletes it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { rfc3339 } from './format.mjs';
import { typeForKind, withCrds } from './resources.mjs';

export class ApiError extends Error {
  constructor(code, reason, message, details = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The metav1.Status body the API answers with. */
  status() {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, details: this.details, code: this.code };
  }
}

export const notFound = (type, name) => new ApiError(404, 'NotFound', `${type.plural}${type.group ? `.${type.group}` : ''} "${name}" not found`, { name, group: type.group || undefined, kind: type.plural });
export const alreadyExists = (type, name) => new ApiError(409, 'AlreadyExists', `${type.plural}${type.group ? `.${type.group}` : ''} "${name}" already exists`, { name, group: type.group || undefined, kind: type.plural });

const clone = (o) => JSON.parse(JSON.stringify(o));

export class Store {
  /** meta: the cluster facts the API server was started with (service CIDR, cluster CIDR, version…). */
  constructor(file, meta) {
    this.file = file;
    if (existsSync(file)) {
      this.state = JSON.parse(readFileSync(file, 'utf8'));
      this.state.meta = { ...this.state.meta, ...meta };
    } else {
      this.state = { resourceVersion: 1, meta, createdAt: rfc3339(), objects: {} };
    }
    this.dirty = false;
  }

  get meta() {
    return this.state.meta;
  }

  types() {
    return withCrds(this.listAll('apiextensions.k8s.io', 'customresourcedefinitions'));
  }

  typeOf(apiVersion, kind) {
    return typeForKind(this.types(), apiVersion, kind);
  }

  key(type, ns, name) {
    return `${type.group}/${type.plural}/${type.namespaced ? ns ?? 'default' : ''}/${name}`;
  }

  listAll(group, plural) {
    const prefix = `${group}/${plural}/`;
    return Object.entries(this.state.objects).filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  }

  /** Objects of a type (in one namespace when `ns` is given), sorted by namespace then name as etcd returns them. */
  list(type, ns) {
    const prefix = `${type.group}/${type.plural}/${type.namespaced && ns ? `${ns}/` : ''}`;
    return Object.entries(this.state.objects)
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, v]) => v);
  }

  get(type, ns, name) {
    return this.state.objects[this.key(type, ns, name)] ?? null;
  }

  mustGet(type, ns, name) {
    const o = this.get(type, ns, name);
    if (!o) throw notFound(type, name);
    return o;
  }

  nextVersion() {
    this.state.resourceVersion += 1;
    return String(this.state.resourceVersion);
  }

  /** Stores a new object with the fields the API server sets (uid, creationTimestamp, resourceVersion). */
  create(type, input) {
    const obj = clone(input);
    obj.apiVersion = type.groupVersion;
    obj.kind = type.kind;
    obj.metadata = { ...(obj.metadata ?? {}) };
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${Math.random().toString(36).slice(2, 7)}`;
    if (!obj.metadata.name) throw new ApiError(422, 'Invalid', `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    if (type.namespaced) obj.metadata.namespace = obj.metadata.namespace ?? 'default';
    else delete obj.metadata.namespace;
    if (type.namespaced && obj.metadata.namespace !== 'default' && type.kind !== 'Namespace') {
      const nsType = this.typeOf('v1', 'Namespace');
      if (!this.get(nsType, null, obj.metadata.namespace)) {
        throw new ApiError(404, 'NotFound', `namespaces "${obj.metadata.namespace}" not found`, { name: obj.metadata.namespace, kind: 'namespaces' });
      }
    }
    const key = this.key(type, obj.metadata.namespace, obj.metadata.name);
    if (this.state.objects[key]) throw alreadyExists(type, obj.metadata.name);
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = rfc3339();
    obj.metadata.resourceVersion = this.nextVersion();
    if (['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'].includes(type.kind)) obj.metadata.generation = 1;
    this.state.objects[key] = obj;
    this.dirty = true;
    return obj;
  }

  /** Replaces an object, keeping what the server owns (uid, creationTimestamp). */
  update(type, input) {
    const obj = clone(input);
    const existing = this.mustGet(type, obj.metadata?.namespace, obj.metadata?.name);
    obj.apiVersion = type.groupVersion;
    obj.kind = type.kind;
    obj.metadata = { ...obj.metadata, uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp, resourceVersion: this.nextVersion() };
    if (existing.metadata.generation && JSON.stringify(obj.spec) !== JSON.stringify(existing.spec)) obj.metadata.generation = existing.metadata.generation + 1;
    else if (existing.metadata.generation) obj.metadata.generation = existing.metadata.generation;
    if (type.namespaced) obj.metadata.namespace = existing.metadata.namespace;
    this.state.objects[this.key(type, obj.metadata.namespace, obj.metadata.name)] = obj;
    this.dirty = true;
    return obj;
  }

  /** Changes an object in place through `fn(copy)`; only a real change bumps the resourceVersion. */
  mutate(type, ns, name, fn) {
    const existing = this.mustGet(type, ns, name);
    const copy = clone(existing);
    fn(copy);
    if (JSON.stringify(copy) === JSON.stringify(existing)) return existing;
    copy.metadata.resourceVersion = this.nextVersion();
    this.state.objects[this.key(type, ns, name)] = copy;
    this.dirty = true;
    return copy;
  }

  delete(type, ns, name) {
    const key = this.key(type, ns, name);
    const obj = this.state.objects[key];
    if (!obj) throw notFound(type, name);
    delete this.state.objects[key];
    this.dirty = true;
    if (type.kind === 'Namespace') {
      for (const k of Object.keys(this.state.objects)) {
        if (k.split('/')[2] === name) delete this.state.objects[k];
      }
    }
    return obj;
  }

  /** Writes the state when something changed (rename: a reader never sees half a file). */
  save() {
    if (!this.dirty) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(tmp, this.file);
    this.dirty = false;
  }
}
