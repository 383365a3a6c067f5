/**
 * A service as the Engine API's container-create body: config, HostConfig and the first network
 * endpoint (API 1.41 attaches one network at create; the rest are connected before start). The
 * labels are docker compose's, so compose tools treat the container as one of theirs.
 */
import type Docker from 'dockerode';
import type { ComposeProject, ComposeService, ServiceMount } from '../compose/model';
import { serviceConfigHash } from './config-hash';
import { COMPOSE_VERSION, Label, containerName } from './labels';

export interface ContainerSpec {
  name: string;
  options: Docker.ContainerCreateOptions;
  /** Networks to connect after create, before start: engine name → endpoint. */
  moreNetworks: { name: string; endpoint: Docker.EndpointSettings }[];
}

function serviceLabels(project: ComposeProject, service: ComposeService, imageId: string): Record<string, string> {
  const hash = serviceConfigHash(project, service);
  const dependsOn = Object.entries(service.dependsOn)
    .map(([dep, d]) => `${dep}:${d.condition}:${d.restart}`)
    .sort()
    .join(',');
  return {
    ...service.labels,
    [Label.project]: project.name,
    [Label.service]: service.name,
    [Label.containerNumber]: '1',
    [Label.oneoff]: 'False',
    [Label.configHash]: hash.hash,
    [Label.configParts]: JSON.stringify(hash.parts),
    [Label.workingDir]: project.workingDir,
    [Label.configFiles]: project.configFiles.join(','),
    [Label.image]: imageId,
    [Label.version]: COMPOSE_VERSION,
    [Label.dependsOn]: dependsOn,
    [Label.managed]: 'true',
  };
}

/**
 * Bind mounts that may create their host path go through `Binds`: the Mounts API refuses a
 * missing source, while compose (create_host_path, the default) creates it.
 */
function mountsOf(project: ComposeProject, mounts: ServiceMount[]): { mounts: Docker.MountSettings[]; binds: string[] } {
  const out: Docker.MountSettings[] = [];
  const binds: string[] = [];
  for (const m of mounts) {
    if (m.type === 'bind' && m.createHostPath) binds.push(`${m.source}:${m.target}${m.readOnly ? ':ro' : ':rw'}`);
    else if (m.type === 'bind') out.push({ Type: 'bind', Source: m.source, Target: m.target, ReadOnly: m.readOnly });
    else if (m.type === 'volume') {
      const source = m.source === null ? '' : (project.volumes[m.source]?.name ?? m.source);
      const mount: Docker.MountSettings = { Type: 'volume', Source: source, Target: m.target, ReadOnly: m.readOnly };
      if (m.noCopy) mount.VolumeOptions = { NoCopy: true } as Docker.MountSettings['VolumeOptions'];
      out.push(mount);
    } else {
      const tmpfs: { SizeBytes?: number; Mode?: number } = {};
      if (m.sizeBytes !== null) tmpfs.SizeBytes = m.sizeBytes;
      if (m.mode !== null) tmpfs.Mode = m.mode;
      out.push({ Type: 'tmpfs', Source: '', Target: m.target, TmpfsOptions: tmpfs as Docker.MountSettings['TmpfsOptions'] });
    }
  }
  return { mounts: out, binds };
}

function portsOf(service: ComposeService): { exposed: Record<string, object>; bindings: Record<string, { HostIp: string; HostPort: string }[]> } {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of service.ports) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp, HostPort: p.published === null ? '' : String(p.published) });
  }
  return { exposed, bindings };
}

function endpointOf(service: ComposeService, key: string): Docker.EndpointSettings {
  const attach = service.networks[key]!;
  const endpoint: Docker.EndpointSettings = { Aliases: [service.name, ...attach.aliases.filter((a) => a !== service.name)] };
  if (attach.ipv4Address) endpoint.IPAMConfig = { IPv4Address: attach.ipv4Address };
  return endpoint;
}

/**
 * `reuse`: anonymous volumes of the container this one replaces (target → volume name). A path
 * the service now mounts otherwise (a named volume, a bind) takes its new source instead.
 */
export function containerSpec(
  project: ComposeProject,
  service: ComposeService,
  imageId: string,
  reuse: { name: string; target: string }[] = [],
): ContainerSpec {
  const name = containerName(project.name, service.name);
  const { mounts, binds } = mountsOf(project, service.mounts);
  const taken = new Set(service.mounts.filter((m) => m.type !== 'volume' || m.source !== null).map((m) => m.target));
  for (const old of reuse) {
    if (taken.has(old.target)) continue;
    const anonymous = mounts.findIndex((m) => m.Type === 'volume' && m.Source === '' && m.Target === old.target);
    const readOnly = anonymous >= 0 ? (mounts[anonymous]!.ReadOnly ?? false) : false;
    if (anonymous >= 0) mounts.splice(anonymous, 1);
    mounts.push({ Type: 'volume', Source: old.name, Target: old.target, ReadOnly: readOnly });
  }
  const { exposed, bindings } = portsOf(service);
  const networkKeys = Object.keys(service.networks).sort((a, b) =>
    (project.networks[a]?.name ?? a).localeCompare(project.networks[b]?.name ?? b),
  );
  const netName = (key: string) => project.networks[key]?.name ?? key;
  const [firstKey, ...restKeys] = networkKeys;

  const hostConfig: Docker.HostConfig = {
    PortBindings: bindings,
    Mounts: mounts,
    Binds: binds.length ? binds : undefined,
    RestartPolicy: service.restart.name === 'on-failure' ? { Name: 'on-failure', MaximumRetryCount: service.restart.maxRetries } : { Name: service.restart.name },
    CapAdd: service.capAdd.length ? service.capAdd : undefined,
    CapDrop: service.capDrop.length ? service.capDrop : undefined,
    Devices: service.devices.map((d) => ({ PathOnHost: d.pathOnHost, PathInContainer: d.pathInContainer, CgroupPermissions: d.permissions })),
    ExtraHosts: service.extraHosts.length ? service.extraHosts : undefined,
    LogConfig: service.logging ? { Type: service.logging.driver, Config: service.logging.options } : undefined,
    Privileged: service.privileged,
    Init: service.init ? true : undefined,
    NanoCpus: service.limits.nanoCpus ?? undefined,
    Memory: service.limits.memoryBytes ?? undefined,
    PidsLimit: service.limits.pids ?? undefined,
    NetworkMode: firstKey ? netName(firstKey) : undefined,
  };

  const options: Docker.ContainerCreateOptions = {
    name,
    Image: service.image,
    Cmd: service.command ?? undefined,
    Entrypoint: service.entrypoint ?? undefined,
    Env: Object.entries(service.environment).map(([k, v]) => `${k}=${v}`),
    Labels: serviceLabels(project, service, imageId),
    User: service.user ?? undefined,
    WorkingDir: service.workingDir ?? undefined,
    Hostname: service.hostname ?? undefined,
    ExposedPorts: exposed,
    StopTimeout: service.stopGracePeriodSeconds ?? undefined,
    Healthcheck: service.healthcheck
      ? {
          Test: service.healthcheck.test,
          Interval: service.healthcheck.intervalNs ?? undefined,
          Timeout: service.healthcheck.timeoutNs ?? undefined,
          Retries: service.healthcheck.retries ?? undefined,
          StartPeriod: service.healthcheck.startPeriodNs ?? undefined,
        }
      : undefined,
    HostConfig: hostConfig,
    NetworkingConfig: firstKey ? { EndpointsConfig: { [netName(firstKey)]: endpointOf(service, firstKey) } } : undefined,
  };
  return { name, options, moreNetworks: restKeys.map((key) => ({ name: netName(key), endpoint: endpointOf(service, key) })) };
}
