/**
 * Finding stacks on an engine by their compose labels — Rackpilot's own and those docker compose
 * started — and reading one project's containers, networks and volumes for the planner.
 */
import type Docker from 'dockerode';
import type { ContainerHealth, PortLink, StackContainer } from '../../../../shared/domain/stack';
import type { ComposeProject } from '../compose/model';
import { parsePartsLabel } from './config-hash';
import { engineError, isNotFound } from './engine-errors';
import { Label } from './labels';
import type { CreatedBy, ObservedContainer, ObservedNetwork, ObservedProject, ObservedVolume } from './observed';

export interface DiscoveredProject {
  name: string;
  /** Rackpilot when every container carries its label; otherwise docker compose made (some of) them. */
  createdBy: CreatedBy;
  workingDir: string | null;
  configFiles: string[];
  /** Sorted by service, then number; one-off (`run`) containers left out. */
  containers: StackContainer[];
}

function createdByOf(labels: Record<string, string>): CreatedBy {
  return labels[Label.managed] === 'true' ? 'rackpilot' : 'docker-compose';
}

/** Docker's status line carries the health: "Up 3 minutes (healthy)", "(health: starting)". */
function healthFromStatus(status: string): ContainerHealth {
  if (status.includes('(healthy)')) return 'healthy';
  if (status.includes('(unhealthy)')) return 'unhealthy';
  if (status.includes('(health: starting)')) return 'starting';
  return 'none';
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);
const LOOPBACKS = new Set(['127.0.0.1', '::1', 'localhost']);

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Published ports as links. The engine lists a port bound on all interfaces twice (0.0.0.0 and
 * ::); the user sees it once. A port bound to loopback only is reachable from here only when the
 * engine is local (linkHost is loopback too).
 */
export function portLinks(ports: Docker.Port[], linkHost: string): PortLink[] {
  const seen = new Set<string>();
  const links: PortLink[] = [];
  for (const p of ports) {
    if (!p.PublicPort) continue;
    const protocol = p.Type === 'udp' ? 'udp' : 'tcp';
    const wildcard = WILDCARDS.has(p.IP ?? '');
    const key = `${wildcard ? '*' : p.IP}|${p.PublicPort}|${p.PrivatePort}|${protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let host: string | null = wildcard ? linkHost : p.IP;
    if (!wildcard && LOOPBACKS.has(p.IP) && !LOOPBACKS.has(linkHost)) host = null;
    links.push({
      hostIp: wildcard ? '0.0.0.0' : p.IP,
      hostPort: p.PublicPort,
      containerPort: p.PrivatePort,
      protocol,
      url: protocol === 'tcp' && host ? `http://${hostForUrl(host)}:${p.PublicPort}` : null,
    });
  }
  return links.sort((a, b) => a.hostPort - b.hostPort || a.containerPort - b.containerPort);
}

function toStackContainer(c: Docker.ContainerInfo, linkHost: string): StackContainer {
  return {
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    service: c.Labels[Label.service] ?? '',
    number: Number(c.Labels[Label.containerNumber] ?? 1) || 1,
    state: c.State,
    status: c.Status,
    health: healthFromStatus(c.Status),
    image: c.Image,
    ports: portLinks(c.Ports ?? [], linkHost),
    createdAt: new Date(c.Created * 1000).toISOString(),
  };
}

/** Every compose project on the engine, grouped by `com.docker.compose.project`. */
export async function listProjects(docker: Docker, opts: { linkHost: string }): Promise<DiscoveredProject[]> {
  let list: Docker.ContainerInfo[];
  try {
    list = await docker.listContainers({ all: true, filters: { label: [Label.project] } });
  } catch (err) {
    throw engineError('list the containers', err, 'Check that the Docker Engine on the node is running');
  }
  const byProject = new Map<string, Docker.ContainerInfo[]>();
  for (const c of list) {
    if (c.Labels[Label.oneoff] === 'True') continue;
    const name = c.Labels[Label.project] ?? '';
    byProject.set(name, [...(byProject.get(name) ?? []), c]);
  }
  return [...byProject.entries()]
    .map(([name, cs]) => {
      const first = cs[0]?.Labels ?? {};
      return {
        name,
        createdBy: cs.every((c) => createdByOf(c.Labels) === 'rackpilot') ? ('rackpilot' as const) : ('docker-compose' as const),
        workingDir: first[Label.workingDir] ?? null,
        configFiles: (first[Label.configFiles] ?? '').split(',').filter(Boolean),
        containers: cs
          .map((c) => toStackContainer(c, opts.linkHost))
          .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The engine names anonymous volumes with 64 hex digits; named ones are the user's choice. */
const ANONYMOUS_VOLUME = /^[0-9a-f]{64}$/;

function observedContainer(info: Docker.ContainerInspectInfo): ObservedContainer {
  const labels = info.Config.Labels ?? {};
  const health = info.State.Health?.Status;
  const networks: ObservedContainer['networks'] = {};
  for (const [name, n] of Object.entries(info.NetworkSettings.Networks ?? {})) {
    networks[name] = { networkId: n.NetworkID, aliases: Array.isArray(n.Aliases) ? (n.Aliases as string[]) : [] };
  }
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    service: labels[Label.service] ?? '',
    number: Number(labels[Label.containerNumber] ?? 1) || 1,
    oneoff: labels[Label.oneoff] === 'True',
    state: info.State.Status,
    exitCode: info.State.ExitCode,
    health: health === 'healthy' || health === 'unhealthy' || health === 'starting' ? health : 'none',
    imageRef: info.Config.Image,
    imageId: info.Image,
    labels,
    configHash: labels[Label.configHash] ?? null,
    configParts: parsePartsLabel(labels[Label.configParts]),
    createdBy: createdByOf(labels),
    networks,
    anonymousVolumes: (info.Mounts ?? [])
      .filter((m) => m.Type === 'volume' && !!m.Name && ANONYMOUS_VOLUME.test(m.Name))
      .map((m) => ({ name: m.Name!, target: m.Destination })),
  };
}

/**
 * One project as the planner needs it. With `project`, networks and volumes the file names are
 * included even without the project's label (pre-created, `name:`-named or external ones).
 */
export async function observeProject(docker: Docker, name: string, project?: ComposeProject): Promise<ObservedProject> {
  const label = `${Label.project}=${name}`;
  const wantedNetworks = new Set(Object.values(project?.networks ?? {}).map((n) => n.name));
  const wantedVolumes = new Set(Object.values(project?.volumes ?? {}).map((v) => v.name));
  try {
    const [list, networks, volumes] = await Promise.all([
      docker.listContainers({ all: true, filters: { label: [label] } }),
      docker.listNetworks(),
      docker.listVolumes(),
    ]);
    // A container can vanish between list and inspect (someone ran `docker rm`): skip it.
    const inspected = await Promise.all(
      list.map((c) =>
        docker
          .getContainer(c.Id)
          .inspect()
          .catch((err: unknown) => {
            if (isNotFound(err)) return null;
            throw err;
          }),
      ),
    );
    return {
      name,
      containers: inspected
        .filter((i): i is Docker.ContainerInspectInfo => i !== null)
        .map(observedContainer)
        .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number),
      networks: networks
        .filter((n) => n.Labels?.[Label.project] === name || wantedNetworks.has(n.Name))
        .map(
          (n): ObservedNetwork => ({
            name: n.Name,
            id: n.Id,
            driver: n.Driver,
            internal: n.Internal,
            labels: n.Labels ?? {},
            ofProject: n.Labels?.[Label.project] === name,
          }),
        ),
      volumes: (volumes.Volumes ?? [])
        .filter((v) => v.Labels?.[Label.project] === name || wantedVolumes.has(v.Name))
        .map((v): ObservedVolume => ({ name: v.Name, driver: v.Driver, labels: v.Labels ?? {}, ofProject: v.Labels?.[Label.project] === name })),
    };
  } catch (err) {
    throw engineError(`read stack ${name} from the engine`, err, 'Check that the Docker Engine on the node is running');
  }
}
