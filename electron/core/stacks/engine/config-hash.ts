/**
 * The config hash of a service: sha256 over a canonical JSON of everything that shapes its
 * container. Unchanged input hashes the same across runs and machines (keys sorted, order-free
 * lists sorted), so the planner can tell "keep" from "recreate" from labels alone. The hash is
 * kept per part too, so a plan can say which part changed ("config changed: environment").
 *
 * The image is not part of it: the planner compares the image id itself (a re-pulled tag changes
 * the container without changing the file). Neither is depends_on: order, not container config.
 */
import { createHash } from 'node:crypto';
import type { ComposeProject, ComposeService } from '../compose/model';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Sorted copy by a string key: lists whose order does not change the container. */
function sortedBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The service's config split in the parts a user recognises from the compose file. Names of
 * networks and volumes are the engine's (`<project>_<key>`), so renaming a key that maps to the
 * same engine object changes nothing.
 */
export function configParts(project: ComposeProject, service: ComposeService): Record<string, unknown> {
  const volumeName = (key: string | null) => (key === null ? null : (project.volumes[key]?.name ?? key));
  return {
    command: service.command,
    entrypoint: service.entrypoint,
    environment: service.environment,
    ports: sortedBy(service.ports, (p) => `${p.target}/${p.protocol}|${p.hostIp}|${p.published ?? ''}`),
    volumes: sortedBy(
      service.mounts.map((m) => (m.type === 'volume' ? { ...m, source: volumeName(m.source) } : m)),
      (m) => m.target,
    ),
    networks: sortedBy(
      Object.entries(service.networks).map(([key, n]) => ({
        name: project.networks[key]?.name ?? key,
        aliases: [...n.aliases].sort(),
        ipv4Address: n.ipv4Address,
      })),
      (n) => n.name,
    ),
    healthcheck: service.healthcheck,
    labels: service.labels,
    user: service.user,
    working_dir: service.workingDir,
    hostname: service.hostname,
    capabilities: { add: [...service.capAdd].sort(), drop: [...service.capDrop].sort() },
    devices: sortedBy(service.devices, (d) => d.pathInContainer),
    extra_hosts: [...service.extraHosts].sort(),
    logging: service.logging,
    privileged: service.privileged,
    init: service.init,
    restart: service.restart,
    stop_grace_period: service.stopGracePeriodSeconds,
    resources: service.limits,
  };
}

export interface ServiceConfigHash {
  /** The `com.docker.compose.config-hash` label. */
  hash: string;
  /** Part name → short hash; stored in the `dev.rackpilot.config-parts` label. */
  parts: Record<string, string>;
}

export function serviceConfigHash(project: ComposeProject, service: ComposeService): ServiceConfigHash {
  const parts = configParts(project, service);
  const short: Record<string, string> = {};
  for (const [name, value] of Object.entries(parts)) short[name] = sha256(canonicalJson(value)).slice(0, 16);
  return { hash: sha256(canonicalJson(parts)), parts: short };
}

/** Reads the parts label back; null when absent or not Rackpilot's (e.g. docker compose made it). */
export function parsePartsLabel(text: string | undefined): Record<string, string> | null {
  if (!text) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return null;
  }
}

/** Which parts differ between two part maps, in a stable order (parts missing on either side count). */
export function changedParts(was: Record<string, string>, now: Record<string, string>): string[] {
  const names = new Set([...Object.keys(was), ...Object.keys(now)]);
  return [...names].filter((n) => was[n] !== now[n]).sort();
}
