/**
 * kubectl cordon / uncordon / drain / wait, with the real commands' filters (mirror pods skipped,
 * DaemonSet pods need --ignore-daemonsets, emptyDir needs --delete-emptydir-data, bare pods
 * need --force), eviction through the API, and their output and errors.
 */
import { parseDuration } from './bootstrap-tokens.mjs';
import { Exit, err, out } from './cli.mjs';
import { jsonpath } from './kubectl-jsonpath.mjs';
import { serverTypes, targets as getTargets } from './kubectl-get.mjs';
import { displayName, resourcePath } from './resources.mjs';
import { ApiError } from './store.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function timeoutMs(value, fallback) {
  if (value === undefined) return fallback;
  if (/^\d+$/.test(String(value))) return Number(value) * 1000;
  try {
    return parseDuration(value) || fallback;
  } catch (e) {
    throw new Exit(1, `error: invalid argument "${value}" for "--timeout" flag: ${e.message}`);
  }
}

async function setUnschedulable(client, name, value) {
  const node = await client.get(`/api/v1/nodes/${name}`);
  if (Boolean(node.spec?.unschedulable) === value) return false;
  await client.patch(`/api/v1/nodes/${name}`, { spec: { unschedulable: value ? true : null } });
  return true;
}

export async function cordon(client, positional, value) {
  if (positional.length === 0) throw new Exit(1, `error: resource(s) were provided, but no name was specified`);
  for (const name of positional.map((p) => p.replace(/^nodes?\//, ''))) {
    const changed = await setUnschedulable(client, name, value);
    out(`node/${name} ${changed ? '' : 'already '}${value ? 'cordoned' : 'uncordoned'}`);
  }
}

const ref = (p) => `${p.metadata.namespace}/${p.metadata.name}`;
const ownerKind = (p) => (p.metadata.ownerReferences ?? []).find((r) => r.controller)?.kind;

export async function drain(client, flags, positional) {
  const name = (positional[0] ?? '').replace(/^nodes?\//, '');
  if (!name) throw new Exit(1, 'error: USAGE: drain NODE [flags]\nSee \'kubectl drain -h\' for help and examples');
  const changed = await setUnschedulable(client, name, true);
  out(`node/${name} ${changed ? '' : 'already '}cordoned`);
  const pods = (await client.get(`/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${name}`)}`)).items ?? [];
  const daemon = [];
  const local = [];
  const bare = [];
  const evict = [];
  for (const p of pods) {
    if (p.metadata.annotations?.['kubernetes.io/config.mirror']) continue;
    const done = ['Succeeded', 'Failed'].includes(p.status?.phase);
    if (ownerKind(p) === 'DaemonSet' && !done) {
      daemon.push(p);
      continue;
    }
    if (!done && (p.spec.volumes ?? []).some((v) => v.emptyDir)) local.push(p);
    if (!ownerKind(p) && !done) bare.push(p);
    evict.push(p);
  }
  const problems = [];
  if (daemon.length && !flags['ignore-daemonsets']) problems.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemon.map(ref).join(', ')}`);
  if (local.length && !flags['delete-emptydir-data']) problems.push(`cannot delete Pods with local storage (use --delete-emptydir-data to override): ${local.map(ref).join(', ')}`);
  if (bare.length && !flags.force) problems.push(`cannot delete Pods declare no controller (use --force to override): ${bare.map(ref).join(', ')}`);
  if (problems.length) {
    const joined = problems.length > 1 ? `[${problems.join(', ')}]` : problems[0];
    err(`error: unable to drain node "${name}" due to error: ${joined}, continuing command...`);
    err('There are pending nodes to be drained:');
    err(` ${name}`);
    throw new Exit(1, problems.join('\n'));
  }
  if (daemon.length) err(`Warning: ignoring DaemonSet-managed Pods: ${daemon.map(ref).join(', ')}`);
  if (bare.length) err(`Warning: deleting Pods that declare no controller: ${bare.map(ref).join(', ')}`);
  const deadline = Date.now() + timeoutMs(flags.timeout, 365 * 86_400_000);
  for (const p of evict) {
    out(`evicting pod ${ref(p)}`);
    try {
      await client.post(`/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/eviction`, {
        apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: p.metadata.name, namespace: p.metadata.namespace },
      });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }
  for (const p of evict) {
    while (await client.find(`/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`)) {
      if (Date.now() > deadline) {
        err(`error: unable to drain node "${name}" due to error: error when waiting for pod "${p.metadata.name}" in namespace "${p.metadata.namespace}" to terminate: global timeout reached: ${flags.timeout}, continuing command...`);
        throw new Exit(1, `There are pending nodes to be drained:\n ${name}\nerror when waiting for pod "${p.metadata.name}" in namespace "${p.metadata.namespace}" to terminate: global timeout reached: ${flags.timeout}`);
      }
      await sleep(500);
    }
    out(`pod/${p.metadata.name} evicted`);
  }
  out(`node/${name} drained`);
}

/** Whether `obj` meets --for=condition=X[=value] / jsonpath=… . */
function met(obj, forSpec) {
  if (forSpec.startsWith('condition=')) {
    const [type, want = 'True'] = forSpec.slice('condition='.length).split('=');
    const c = (obj.status?.conditions ?? []).find((x) => x.type.toLowerCase() === type.toLowerCase());
    return Boolean(c) && c.status.toLowerCase() === want.toLowerCase();
  }
  if (forSpec.startsWith('jsonpath=')) {
    const body = forSpec.slice('jsonpath='.length);
    const at = body.lastIndexOf('=');
    const expr = at > 0 ? body.slice(0, at) : body;
    const value = jsonpath(expr.replace(/^'(.*)'$/, '$1'), obj);
    return at > 0 ? value === body.slice(at + 1) : value !== '';
  }
  throw new Exit(1, `error: unrecognized condition: "${forSpec}"`);
}

export async function wait(client, flags, positional) {
  const forSpec = flags.for;
  if (!forSpec) throw new Exit(1, 'error: --for must be set');
  const types = await serverTypes(client);
  const ns = flags.namespace ?? 'default';
  const deadline = Date.now() + timeoutMs(flags.timeout, 30_000);
  const wanted = getTargets(types, positional);
  const sel = flags.selector ? `?labelSelector=${encodeURIComponent([].concat(flags.selector).join(','))}` : '';
  const pending = new Map();
  for (const { type, name } of wanted) {
    if (name) pending.set(`${type.plural}/${name}`, { type, name });
    else if (flags.all || flags.selector) {
      for (const o of (await client.get(resourcePath(type, flags['all-namespaces'] ? null : ns) + sel)).items ?? []) pending.set(`${type.plural}/${o.metadata.name}`, { type, name: o.metadata.name, ns: o.metadata.namespace });
    } else throw new Exit(1, 'error: resource(s) were provided, but no name was specified');
  }
  if (pending.size === 0) throw new Exit(1, 'error: no matching resources found');
  for (;;) {
    for (const [key, t] of pending) {
      const obj = await client.find(resourcePath(t.type, t.ns ?? ns, t.name));
      const ok = forSpec === 'delete' ? !obj : obj && met(obj, forSpec);
      if (!obj && forSpec !== 'delete') throw new Exit(1, `Error from server (NotFound): ${t.type.plural} "${t.name}" not found`);
      if (ok) {
        out(`${displayName(t.type, t.name)} condition met`);
        pending.delete(key);
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Exit(1, `error: timed out waiting for the condition on ${[...pending.keys()][0]}`);
    await sleep(1000);
  }
}
