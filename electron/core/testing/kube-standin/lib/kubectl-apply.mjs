/**
 * kubectl apply / create / delete: manifests from files, directories, stdin or (known) URLs,
 * each object mapped to its resource through the server's types (kinds of CRDs not yet installed
 * fail with kubectl's "ensure CRDs are installed first"), client-side apply keeping the
 * last-applied-configuration annotation, and kubectl's per-object result lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { Exit, err, out } from './cli.mjs';
import { serverTypes, resolveType } from './kubectl-get.mjs';
import { knownManifest } from './known-manifests.mjs';
import { displayName, resourcePath, typeForKind } from './resources.mjs';
import { ApiError } from './store.mjs';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function parseManifests(text, source) {
  const objects = [];
  let docs;
  try {
    docs = YAML.parseAllDocuments(text).map((d) => {
      if (d.errors?.length) throw new Error(d.errors[0].message.split('\n')[0]);
      return d.toJS();
    });
  } catch (e) {
    throw new Exit(1, `error: error parsing ${source}: error converting YAML to JSON: yaml: ${e.message}`);
  }
  for (const doc of docs) {
    if (!doc) continue;
    if (doc.kind === 'List' && Array.isArray(doc.items)) objects.push(...doc.items.map((o) => ({ obj: o, source })));
    else objects.push({ obj: doc, source });
  }
  return objects;
}

/** The objects named by every -f. */
export function readManifests(filenames) {
  const objects = [];
  for (const f of [].concat(filenames ?? [])) {
    if (/^https?:\/\//.test(f)) {
      const known = knownManifest(f);
      if (!known) throw new Exit(1, `error: unable to read URL "${f}", server reported dial tcp: lookup ${new URL(f).hostname} on 127.0.0.53:53: no such host`);
      objects.push(...known.map((obj) => ({ obj, source: f })));
    } else if (f === '-') {
      objects.push(...parseManifests(readFileSync(0, 'utf8'), 'STDIN'));
    } else {
      let st;
      try {
        st = statSync(f);
      } catch {
        throw new Exit(1, `error: the path "${f}" does not exist`);
      }
      const files = st.isDirectory() ? readdirSync(f).filter((x) => /\.(ya?ml|json)$/.test(x)).sort().map((x) => join(f, x)) : [f];
      for (const file of files) {
        let text;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new Exit(1, `error: open ${file}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`);
        }
        objects.push(...parseManifests(text, file));
      }
    }
  }
  if (objects.length === 0) throw new Exit(1, 'error: no objects passed to apply');
  return objects;
}

/** Maps an object to { type, ns, path } or returns kubectl's mapping error. */
function locate(types, { obj, source }, flags) {
  const type = typeForKind(types, obj.apiVersion, obj.kind);
  const name = obj.metadata?.name ?? '';
  if (!type) {
    const ns = obj.metadata?.namespace ?? '';
    return { error: `error: resource mapping not found for name: "${name}" namespace: "${ns}" from "${source}": no matches for kind "${obj.kind}" in version "${obj.apiVersion}"\nensure CRDs are installed first` };
  }
  const objNs = obj.metadata?.namespace;
  if (type.namespaced && flags.namespace && objNs && objNs !== flags.namespace) {
    return { error: `error: the namespace from the provided object "${objNs}" does not match the namespace "${flags.namespace}". You must pass '--namespace=${objNs}' to perform this operation.` };
  }
  const ns = type.namespaced ? objNs ?? flags.namespace ?? 'default' : null;
  return { type, ns, name, path: resourcePath(type, ns), objPath: resourcePath(type, ns, name) };
}

/** Field by field what apply sends: the new object on top of the live one's server-owned parts. */
function merged(live, desired, annotation) {
  const metadata = {
    ...desired.metadata,
    uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion, creationTimestamp: live.metadata.creationTimestamp,
    annotations: { ...(desired.metadata?.annotations ?? {}), [LAST_APPLIED]: annotation },
  };
  return { ...desired, metadata, ...(live.status ? { status: live.status } : {}) };
}

export async function apply(client, flags, { create = false } = {}) {
  const objects = readManifests(flags.filename);
  const types = await serverTypes(client);
  const errors = [];
  for (const item of objects) {
    const loc = locate(types, item, flags);
    if (loc.error) {
      errors.push(loc.error);
      continue;
    }
    const shown = displayName(loc.type, loc.name);
    try {
      if (create) {
        await client.post(loc.path, { ...item.obj, metadata: { ...item.obj.metadata, ...(loc.ns ? { namespace: loc.ns } : {}) } });
        out(`${shown} created`);
        continue;
      }
      if (flags['server-side']) {
        await client.request('PATCH', `${loc.objPath}?fieldManager=kubectl&force=${flags['force-conflicts'] ? 'true' : 'false'}`, { body: item.obj, contentType: 'application/apply-patch+yaml' });
        out(`${shown} serverside-applied`);
        continue;
      }
      const annotation = JSON.stringify(item.obj);
      const desired = { ...item.obj, metadata: { ...item.obj.metadata, ...(loc.ns ? { namespace: loc.ns } : {}), annotations: { ...(item.obj.metadata?.annotations ?? {}), [LAST_APPLIED]: `${annotation}\n` } } };
      const live = await client.find(loc.objPath);
      if (!live) {
        await client.post(loc.path, desired);
        out(`${shown} created`);
      } else if (live.metadata?.annotations?.[LAST_APPLIED] === `${annotation}\n`) {
        out(`${shown} unchanged`);
      } else {
        await client.put(loc.objPath, merged(live, desired, `${annotation}\n`));
        out(`${shown} configured`);
      }
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const verb = create ? 'creating' : 'applying';
      errors.push(`Error from server (${e.reason}): error when ${verb} "${item.source}": ${e.message}`);
    }
  }
  if (errors.length) throw new Exit(1, errors.join('\n'));
}

/** kubectl delete <type> <name…> | -f …; prints `<kind> "<name>" deleted[ from <ns> namespace]`. */
export async function del(client, flags, positional) {
  const types = await serverTypes(client);
  const targets = [];
  if (flags.filename) {
    for (const item of readManifests(flags.filename)) {
      const loc = locate(types, item, flags);
      if (loc.error) throw new Exit(1, loc.error);
      targets.push(loc);
    }
  } else {
    if (positional.length === 0) throw new Exit(1, 'error: You must provide one or more resources by argument or filename.');
    if (flags.selector || flags.all) {
      const type = resolveType(types, positional[0]);
      const ns = type.namespaced ? flags.namespace ?? 'default' : null;
      const sel = flags.selector ? `?labelSelector=${encodeURIComponent([].concat(flags.selector).join(','))}` : '';
      const items = (await client.get(resourcePath(type, ns) + sel)).items ?? [];
      if (items.length === 0) err(ns ? `No resources found in ${ns} namespace.` : 'No resources found');
      for (const o of items) targets.push({ type, ns, name: o.metadata.name, objPath: resourcePath(type, ns, o.metadata.name) });
    }
    const pairs = positional.every((p) => p.includes('/')) ? positional.map((p) => p.split('/')) : positional.slice(1).map((n) => [positional[0], n]);
    if (pairs.length === 0 && targets.length === 0 && !flags.selector && !flags.all) throw new Exit(1, 'error: resource(s) were provided, but no name was specified');
    for (const [t, name] of pairs) {
      const type = resolveType(types, t);
      const ns = type.namespaced ? flags.namespace ?? 'default' : null;
      targets.push({ type, ns, name, objPath: resourcePath(type, ns, name) });
    }
  }
  const errors = [];
  for (const t of targets) {
    const shown = `${t.type.singular}${t.type.group ? `.${t.type.group}` : ''} "${t.name}"`;
    try {
      await client.delete(t.objPath);
      out(`${shown} deleted${t.ns ? ` from ${t.ns} namespace` : ''}`);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404 && flags['ignore-not-found']) continue;
      if (!(e instanceof ApiError)) throw e;
      errors.push(`Error from server (${e.reason}): ${e.message}`);
    }
  }
  if (errors.length) {
    errors.forEach((m, i) => (i < errors.length - 1 ? err(m) : null));
    throw new Exit(1, errors[errors.length - 1]);
  }
}
