/**
 * Checks that need all files merged: every service has an image, depends_on names services
 * that exist (without cycles), and every network and named volume a service uses is declared
 * at the top level. Then profiles: which services run, and whether a running service depends
 * on one whose profile is off.
 */
import { wholeFile, type Issues } from './issues';
import { mountOfNode } from './mounts';
import { entryOf, toPlain, valueOf, type MapEntry, type MapNode, type ScalarValue } from './source-node';
import { parseBytes, parseCpus, parseInteger, type Parsed } from './values';

export function serviceEntries(root: MapNode): MapEntry[] {
  const services = valueOf(root, 'services');
  return services?.kind === 'map' ? services.entries.filter((e) => !e.key.startsWith('x-') && e.value.kind === 'map') : [];
}

function declared(root: MapNode, section: string): Set<string> {
  const node = valueOf(root, section);
  return new Set(node?.kind === 'map' ? node.entries.map((e) => e.key) : []);
}

function mapEntries(service: MapNode, key: string): MapEntry[] {
  const node = valueOf(service, key);
  return node?.kind === 'map' ? node.entries : [];
}

export function checkReferences(root: MapNode, mainFile: string, issues: Issues): void {
  const services = serviceEntries(root);
  if (services.length === 0) {
    const at = entryOf(root, 'services')?.keyAt ?? wholeFile(mainFile);
    issues.error(at, 'The stack has no services: add a services: section with at least one service that has an image:.');
    return;
  }
  const names = new Set(services.map((s) => s.key));
  const networks = declared(root, 'networks');
  const volumes = declared(root, 'volumes');
  for (const { key: name, keyAt, value } of services) {
    const svc = value as MapNode;
    const image = valueOf(svc, 'image');
    if (!image || (image.kind === 'scalar' && !image.value)) {
      issues.error(keyAt, `services.${name} has no image: Rackpilot does not build images; set image: to one in a registry (e.g. image: nginx:1.27).`);
    }
    for (const dep of mapEntries(svc, 'depends_on')) {
      if (dep.key === name) issues.error(dep.keyAt, `services.${name} depends on itself: remove ${dep.key} from its depends_on.`);
      else if (!names.has(dep.key)) issues.error(dep.keyAt, `services.${name} depends on "${dep.key}", which is not a service of this stack: fix the name or add the service.`);
    }
    for (const net of mapEntries(svc, 'networks')) {
      if (net.key !== 'default' && !networks.has(net.key)) {
        issues.error(net.keyAt, `services.${name} uses network "${net.key}", which is not declared: add it under the top-level networks:.`);
      }
    }
    const mounts = valueOf(svc, 'volumes');
    for (const item of mounts?.kind === 'seq' ? mounts.items : []) {
      const mount = mountOfNode(item);
      if (mount?.type === 'volume' && mount.source !== null && !volumes.has(mount.source)) {
        issues.error(item.at, `services.${name} uses volume "${mount.source}", which is not declared: add it under the top-level volumes: (or write ./${mount.source} for a folder of the stack).`);
      }
    }
    checkLimitConflicts(name, svc, issues);
  }
  checkCycles(services, issues);
}

/** mem_limit / cpus / pids_limit and deploy.resources.limits set the same thing: they must agree. */
function checkLimitConflicts(name: string, svc: MapNode, issues: Issues): void {
  const plain = toPlain(svc) as { deploy?: { resources?: { limits?: Record<string, ScalarValue> } } };
  const limits = plain.deploy?.resources?.limits ?? {};
  const pairs: [string, string, (v: ScalarValue) => Parsed<number>][] = [
    ['mem_limit', 'memory', parseBytes],
    ['cpus', 'cpus', parseCpus],
    ['pids_limit', 'pids', (v) => parseInteger(v, -1, 2 ** 31 - 1)],
  ];
  for (const [legacy, modern, parse] of pairs) {
    const entry = entryOf(svc, legacy);
    const other = limits[modern];
    if (!entry || other === undefined || entry.value.kind !== 'scalar') continue;
    const [a, b] = [parse(entry.value.value), parse(other)];
    if (a.ok && b.ok && a.value !== b.value) issues.error(entry.keyAt, `services.${name}.${legacy} and deploy.resources.limits.${modern} differ: keep one of them.`);
  }
}

function checkCycles(services: MapEntry[], issues: Issues): void {
  const deps = new Map(services.map((s) => [s.key, mapEntries(s.value as MapNode, 'depends_on').map((d) => d.key)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const key = [...cycle].sort().join(',');
      const entry = services.find((s) => s.key === name);
      if (!reported.has(key) && entry) issues.error(entry.keyAt, `depends_on forms a cycle (${cycle.join(' → ')}): remove one of these dependencies.`);
      reported.add(key);
      return;
    }
    state.set(name, 'visiting');
    for (const dep of deps.get(name) ?? []) if (dep !== name && deps.has(dep)) visit(dep, [...trail, name]); // self-dependency: reported above
    state.set(name, 'done');
  };
  for (const name of deps.keys()) visit(name, []);
}

/**
 * The services that run: those without profiles, and those with one of the enabled profiles. A
 * running service that requires a service whose profiles are all off is an error, as in docker
 * compose; a dependency marked `required: false` is simply dropped.
 */
export function selectServices(root: MapNode, profiles: string[], issues: Issues): Set<string> {
  const enabled = new Set<string>();
  const profilesOf = new Map<string, string[]>();
  for (const { key, value } of serviceEntries(root)) {
    const node = valueOf(value as MapNode, 'profiles');
    const list = node?.kind === 'seq' ? node.items.map((i) => String(toPlain(i))) : [];
    profilesOf.set(key, list);
    if (list.length === 0 || list.some((p) => profiles.includes(p))) enabled.add(key);
  }
  for (const { key, value } of serviceEntries(root)) {
    if (!enabled.has(key)) continue;
    for (const dep of mapEntries(value as MapNode, 'depends_on')) {
      const required = (toPlain(dep.value) as { required?: unknown } | null)?.required;
      if (profilesOf.has(dep.key) && !enabled.has(dep.key) && required !== false && required !== 'false') {
        issues.error(dep.keyAt, `services.${key} depends on ${dep.key}, which only runs with profile ${profilesOf.get(dep.key)!.join(' or ')}: enable that profile for the stack, or mark the dependency required: false.`);
      }
    }
  }
  return enabled;
}
