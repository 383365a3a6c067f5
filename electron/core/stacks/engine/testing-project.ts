/**
 * Test helper: normalized ComposeProjects built by hand, for planner unit tests (no YAML, no
 * engine). A service gets every field at its compose default; tests override what they exercise.
 */
import type { ComposeNetwork, ComposeProject, ComposeService, ComposeVolume } from '../compose/model';
import { serviceConfigHash } from './config-hash';
import { containerName } from './labels';
import type { ObservedContainer, ObservedNetwork } from './observed';

export function testService(name: string, over: Partial<ComposeService> = {}): ComposeService {
  return {
    name,
    image: 'example/app:1',
    command: null,
    entrypoint: null,
    environment: {},
    ports: [],
    mounts: [],
    networks: { default: { aliases: [], ipv4Address: null } },
    dependsOn: {},
    restart: { name: 'no' },
    healthcheck: null,
    labels: {},
    user: null,
    workingDir: null,
    hostname: null,
    capAdd: [],
    capDrop: [],
    devices: [],
    extraHosts: [],
    logging: null,
    privileged: false,
    init: false,
    stopGracePeriodSeconds: null,
    limits: { nanoCpus: null, memoryBytes: null, pids: null },
    profiles: [],
    ...over,
  };
}

export function testNetwork(name: string, over: Partial<ComposeNetwork> = {}): ComposeNetwork {
  return { name, external: false, driver: null, driverOpts: {}, labels: {}, internal: false, attachable: false, subnets: [], ...over };
}

export function testVolume(name: string, over: Partial<ComposeVolume> = {}): ComposeVolume {
  return { name, external: false, driver: null, driverOpts: {}, labels: {}, ...over };
}

/** A project with a `default` network; services are given as a list. */
export function testProject(name: string, services: ComposeService[], over: Partial<Omit<ComposeProject, 'services'>> = {}): ComposeProject {
  return {
    name,
    workingDir: `/tmp/${name}`,
    configFiles: [`/tmp/${name}/compose.yaml`],
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    networks: { default: testNetwork(`${name}_default`) },
    volumes: {},
    ...over,
  };
}

/**
 * The container Rackpilot would have made for `service` (running, same image id, labels and
 * config hash), as observed state; `networkIds` maps engine network names to their ids.
 */
export function observedFor(
  project: ComposeProject,
  service: ComposeService,
  imageId: string,
  networkIds: Record<string, string>,
  over: Partial<ObservedContainer> = {},
): ObservedContainer {
  const hash = serviceConfigHash(project, service);
  const networks: ObservedContainer['networks'] = {};
  for (const key of Object.keys(service.networks)) {
    const name = project.networks[key]?.name ?? key;
    networks[name] = { networkId: networkIds[name] ?? `id-${name}`, aliases: [service.name] };
  }
  return {
    id: `id-${service.name}`,
    name: containerName(project.name, service.name),
    service: service.name,
    number: 1,
    oneoff: false,
    state: 'running',
    exitCode: 0,
    health: 'none',
    imageRef: service.image,
    imageId,
    labels: {},
    configHash: hash.hash,
    configParts: hash.parts,
    createdBy: 'rackpilot',
    networks,
    anonymousVolumes: [],
    ...over,
  };
}

/** Observed networks for every network of the project, with ids `id-<name>`. */
export function observedNetworks(project: ComposeProject): ObservedNetwork[] {
  return Object.values(project.networks).map((n) => ({
    name: n.name,
    id: `id-${n.name}`,
    driver: n.driver ?? 'bridge',
    internal: n.internal,
    labels: {},
    ofProject: true,
  }));
}
