/**
 * The merged, validated tree → ComposeProject: the running services, and the networks and
 * volumes they use with their engine names (`<project>_<key>` unless `name:` or external).
 * Declared resources no service uses are left out, as docker compose v2 does, with a warning.
 */
import { posix } from 'node:path';
import type { Issues } from './issues';
import type { ComposeNetwork, ComposeProject, ComposeService, ComposeVolume } from './model';
import { mountOfNode } from './mounts';
import { serviceEntries } from './references';
import { toPlain, valueOf, type MapEntry, type MapNode, type SourceNode } from './source-node';
import { keyValues, normalizeService, type NormalizeContext } from './normalize-service';
import { parseBool } from './values';

export interface ProjectContext extends NormalizeContext {
  projectName: string;
  configFiles: string[];
}

function definitions(root: MapNode, section: string): MapEntry[] {
  const node = valueOf(root, section);
  return node?.kind === 'map' ? node.entries.filter((e) => !e.key.startsWith('x-')) : [];
}

function flag(def: MapNode | null, key: string): boolean {
  const v = def ? valueOf(def, key) : undefined;
  const parsed = v?.kind === 'scalar' && v.value !== null ? parseBool(v.value) : null;
  return parsed?.ok === true && parsed.value;
}

function text(def: MapNode | null, key: string): string | null {
  const v = def ? valueOf(def, key) : undefined;
  return v?.kind === 'scalar' && v.value !== null ? String(v.value) : null;
}

function stringMap(node: SourceNode | undefined): Record<string, string> {
  return node?.kind === 'map' ? Object.fromEntries(node.entries.map((e) => [e.key, String(toPlain(e.value) ?? '')])) : {};
}

/** The fields networks and volumes share: engine name, external, driver, options, labels. */
function resource(project: string, key: string, def: MapNode | null): ComposeVolume {
  const external = flag(def, 'external');
  const name = text(def, 'name') ?? (external ? key : `${project}_${key}`);
  return { name, external, driver: text(def, 'driver'), driverOpts: stringMap(def ? valueOf(def, 'driver_opts') : undefined), labels: keyValues(def ? valueOf(def, 'labels') : undefined) };
}

function network(project: string, key: string, def: MapNode | null): ComposeNetwork {
  const ipam = def ? valueOf(def, 'ipam') : undefined;
  const config = ipam?.kind === 'map' ? valueOf(ipam, 'config') : undefined;
  const subnets = (config?.kind === 'seq' ? config.items : []).flatMap((c) => (c.kind === 'map' && text(c, 'subnet') !== null ? [text(c, 'subnet')!] : []));
  return { ...resource(project, key, def), internal: flag(def, 'internal'), attachable: flag(def, 'attachable'), subnets };
}

function warnUnused(entries: MapEntry[], used: Set<string>, issues: Issues): void {
  for (const e of entries) {
    if (!used.has(e.key)) issues.warning(e.keyAt, `${e.keyAt.path} is declared but no service uses it, so it will not be created: use it in a service or remove it.`);
  }
}

/** Which networks and named volumes a service uses, read from the tree (no env_files read for services that do not run). */
function usage(svc: MapNode): { networks: string[]; volumes: string[] } {
  const nets = valueOf(svc, 'networks');
  const mounts = valueOf(svc, 'volumes');
  const networks = nets?.kind === 'map' && nets.entries.length > 0 ? nets.entries.map((e) => e.key) : ['default'];
  const volumes = (mounts?.kind === 'seq' ? mounts.items : []).flatMap((item) => {
    const m = mountOfNode(item);
    return m?.type === 'volume' && m.source !== null ? [m.source] : [];
  });
  return { networks, volumes };
}

/** Declared keys in file order, then implicit ones (the default network), keeping only those used. */
function usedInOrder(defs: MapEntry[], used: Set<string>): string[] {
  const declared = defs.map((d) => d.key);
  return [...declared.filter((k) => used.has(k)), ...[...used].filter((k) => !declared.includes(k))];
}

export function normalizeProject(root: MapNode, running: Set<string>, ctx: ProjectContext): ComposeProject {
  const services: Record<string, ComposeService> = {};
  const usedByAny = { networks: new Set<string>(), volumes: new Set<string>() };
  const usedByRunning = { networks: new Set<string>(), volumes: new Set<string>() };
  for (const { key, value } of serviceEntries(root)) {
    const svc = value as MapNode;
    const used = usage(svc);
    used.networks.forEach((n) => usedByAny.networks.add(n));
    used.volumes.forEach((v) => usedByAny.volumes.add(v));
    if (!running.has(key)) continue;
    used.networks.forEach((n) => usedByRunning.networks.add(n));
    used.volumes.forEach((v) => usedByRunning.volumes.add(v));
    services[key] = normalizeService(key, svc, running, ctx);
  }
  const networkDefs = definitions(root, 'networks');
  const volumeDefs = definitions(root, 'volumes');
  warnUnused(networkDefs, usedByAny.networks, ctx.issues);
  warnUnused(volumeDefs, usedByAny.volumes, ctx.issues);
  const defOf = (defs: MapEntry[], key: string) => {
    const def = defs.find((d) => d.key === key)?.value;
    return def?.kind === 'map' ? def : null;
  };
  const networks: Record<string, ComposeNetwork> = {};
  for (const key of usedInOrder(networkDefs, usedByRunning.networks)) networks[key] = network(ctx.projectName, key, defOf(networkDefs, key));
  const volumes: Record<string, ComposeVolume> = {};
  for (const key of usedInOrder(volumeDefs, usedByRunning.volumes)) volumes[key] = resource(ctx.projectName, key, defOf(volumeDefs, key));
  return { name: ctx.projectName, workingDir: ctx.workingDir, configFiles: ctx.configFiles.map((f) => posix.resolve(ctx.workingDir, f)), services, networks, volumes };
}
