/**
 * `kubectl get`: resources by name, kind, short name or "<plural>.<group>" (CRDs discovered from
 * the server), -n / -A, label and field selectors, and the output formats kubectl has — tables
 * (wide), json (4-space indent, a List for several objects), yaml, name, jsonpath — plus --raw.
 */
import YAML from 'yaml';
import { Exit, err, out } from './cli.mjs';
import { tabwrite } from './format.mjs';
import { jsonpath } from './kubectl-jsonpath.mjs';
import { tableRows } from './kubectl-printers.mjs';
import { displayName, resourcePath, typeForName, withCrds } from './resources.mjs';

/** The server's resource types, CRDs included. */
export async function serverTypes(client) {
  const crds = await client.find('/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  return withCrds(crds?.items ?? []);
}

export function resolveType(types, name) {
  const type = typeForName(types, name);
  if (!type) throw new Exit(1, `error: the server doesn't have a resource type "${name}"`);
  return type;
}

/** What an object looks like in -o json/yaml: apiVersion and kind first, as kubectl prints. */
const full = (type, o) => ({ apiVersion: type.groupVersion, kind: type.kind, ...o });

/** Prints `found` ([{ type, obj }]) in the requested format. single: one named object → no List wrapper. */
export function printObjects(found, flags, { single = false, emptyNamespace } = {}) {
  const output = flags.output ?? '';
  if (found.length === 0 && !['json', 'yaml'].includes(output)) {
    err(emptyNamespace ? `No resources found in ${emptyNamespace} namespace.` : 'No resources found');
    return;
  }
  const objs = found.map(({ type, obj }) => full(type, obj));
  const data = single && objs.length === 1 ? objs[0] : { apiVersion: 'v1', items: objs, kind: 'List', metadata: { resourceVersion: '' } };
  if (output === 'json') return out(JSON.stringify(data, null, 4));
  if (output === 'yaml') return process.stdout.write(YAML.stringify(data, { lineWidth: 0, indentSeq: false }));
  if (output === 'name') return found.forEach(({ type, obj }) => out(displayName(type, obj.metadata.name)));
  if (output.startsWith('jsonpath=') || output.startsWith('jsonpath-as-json=')) {
    let text;
    try {
      text = jsonpath(output.slice(output.indexOf('=') + 1).replace(/^'(.*)'$/, '$1'), data);
    } catch (e) {
      throw new Exit(1, `error: ${e.message}`);
    }
    return process.stdout.write(text);
  }
  if (output && output !== 'wide') throw new Exit(1, `error: unable to match a printer suitable for the output format "${output}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`);
  // One table per resource type, separated by a blank line; names prefixed when several types are shown.
  const byType = new Map();
  for (const f of found) byType.set(f.type, [...(byType.get(f.type) ?? []), f.obj]);
  let first = true;
  for (const [type, items] of byType) {
    if (!first) out('');
    first = false;
    const named = byType.size > 1 ? items.map((o) => ({ ...o, metadata: { ...o.metadata, name: displayName(type, o.metadata.name) } })) : items;
    const rows = tableRows(type.plural, named, { wide: output === 'wide', namespaced: type.namespaced, allNamespaces: Boolean(flags['all-namespaces']), noHeaders: Boolean(flags['no-headers']), showLabels: Boolean(flags['show-labels']) });
    tabwrite(rows).forEach((l) => out(l));
  }
}

function query(flags) {
  const q = new URLSearchParams();
  if (flags.selector) q.set('labelSelector', [].concat(flags.selector).join(','));
  if (flags['field-selector']) q.set('fieldSelector', [].concat(flags['field-selector']).join(','));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Expands "nodes,pods", "node/cp1" and "<type> <name>…" into [{ type, name? }]. */
export function targets(types, positional) {
  if (positional.length === 0) throw new Exit(1, 'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples');
  if (positional.every((p) => p.includes('/'))) {
    return positional.map((p) => {
      const [t, name] = p.split('/');
      return { type: resolveType(types, t), name };
    });
  }
  const [kinds, ...names] = positional;
  const list = kinds.split(',').map((k) => resolveType(types, k));
  return names.length ? list.flatMap((type) => names.map((name) => ({ type, name }))) : list.map((type) => ({ type }));
}

export async function get(client, flags, positional) {
  if (flags.raw) {
    const r = await client.request('GET', flags.raw, { raw: true });
    if (r.status >= 400) throw new Exit(1, `Error from server (${r.json?.reason ?? 'InternalError'}): ${r.json?.message ?? r.text.trim()}`);
    process.stdout.write(r.text);
    return;
  }
  const types = await serverTypes(client);
  const ns = flags.namespace ?? 'default';
  const all = Boolean(flags['all-namespaces']);
  const found = [];
  const missing = [];
  const wanted = targets(types, positional);
  for (const { type, name } of wanted) {
    if (name) {
      const obj = await client.find(resourcePath(type, ns, name));
      if (obj) found.push({ type, obj });
      else missing.push(`Error from server (NotFound): ${type.plural}${type.group ? `.${type.group}` : ''} "${name}" not found`);
    } else {
      const list = await client.get(resourcePath(type, all ? null : ns) + query(flags));
      for (const obj of list.items ?? []) found.push({ type, obj });
    }
  }
  const single = wanted.length === 1 && Boolean(wanted[0].name);
  const namespaced = wanted.some((w) => w.type.namespaced);
  if (found.length || (!missing.length && !flags['ignore-not-found'])) printObjects(found, flags, { single, emptyNamespace: namespaced && !all ? ns : undefined });
  if (missing.length && !flags['ignore-not-found']) throw new Exit(1, missing.join('\n'));
}
