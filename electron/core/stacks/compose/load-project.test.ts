import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkComposeSpec } from '../../testing/compose-schema';
import { loadComposeProject } from './load-project';
import type { LoadProjectInput } from './model';

const FIXTURES = join(__dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const WORKING_DIR = '/srv/stacks/homelab';

function load(files: [string, string][], extra: Partial<LoadProjectInput> = {}) {
  return loadComposeProject({
    projectName: 'homelab',
    workingDir: WORKING_DIR,
    files: files.map(([name, content]) => ({ name, content })),
    envFile: '',
    variables: {},
    profiles: [],
    readFile: (path) => readFileSync(join(FIXTURES, posix.relative(WORKING_DIR, path)), 'utf8'),
    ...extra,
  });
}

const full = (extra: Partial<LoadProjectInput> = {}) =>
  load(
    [
      ['compose.yaml', fixture('full.compose.yaml')],
      ['compose.override.yaml', fixture('full.override.yaml')],
    ],
    { envFile: fixture('full.env'), ...extra },
  );

describe('compose fixtures against the compose spec', () => {
  it.each(['full.compose.yaml', 'full.override.yaml', 'references.yaml'])('%s is valid compose', (name) => {
    expect(checkComposeSpec(fixture(name))).toEqual({ ok: true, errors: [] });
  });

  it.each(['unsupported.yaml', 'bad-types.yaml', 'malformed.yaml', 'duplicate-keys.yaml'])('%s is not', (name) => {
    expect(checkComposeSpec(fixture(name)).ok).toBe(false);
  });
});

describe('loadComposeProject: the full fixture with its override, .env and env_file', () => {
  it('loads without issues and expands every key', () => {
    const { project, issues } = full();
    expect(issues).toEqual([]);
    expect(project).not.toBeNull();
    const p = project!;
    expect(p.name).toBe('homelab');
    expect(p.configFiles).toEqual(['/srv/stacks/homelab/compose.yaml', '/srv/stacks/homelab/compose.override.yaml']);
    expect(Object.keys(p.services)).toEqual(['proxy', 'api', 'db']); // worker and metrics have profiles that are off
    expect(p.services.proxy).toEqual({
      name: 'proxy',
      image: 'registry.local:5000/rpt/busybox:1.36',
      command: ['httpd', '-f', '-p', '9000'],
      entrypoint: ['/bin/sh', '-c', 'exec "$@"', '--'],
      environment: { MODE: 'override' },
      ports: [
        { target: 8080, published: 8080, hostIp: '', protocol: 'tcp' },
        { target: 8443, published: 8443, hostIp: '127.0.0.1', protocol: 'tcp' },
        { target: 9090, published: 9090, hostIp: '127.0.0.1', protocol: 'tcp' },
        { target: 5353, published: 5353, hostIp: '', protocol: 'udp' },
        { target: 7000, published: null, hostIp: '', protocol: 'tcp' },
        { target: 9443, published: 9443, hostIp: '', protocol: 'tcp' },
      ],
      mounts: [
        { type: 'bind', source: '/srv/stacks/homelab/site-dev', target: '/srv/www', readOnly: false, createHostPath: true },
        { type: 'volume', source: 'cache', target: '/var/cache/proxy', readOnly: false, noCopy: true },
        { type: 'tmpfs', target: '/run/proxy', sizeBytes: 64 * 1024 ** 2, mode: 0o1777 },
        { type: 'bind', source: '/etc/localtime', target: '/etc/localtime', readOnly: true, createHostPath: false },
      ],
      networks: { front: { aliases: ['www', 'proxy.lab'], ipv4Address: '172.28.0.10' }, back: { aliases: [], ipv4Address: null } },
      dependsOn: { api: { condition: 'service_healthy', restart: true, required: true } },
      restart: { name: 'unless-stopped' },
      healthcheck: { test: ['CMD', 'wget', '-q', '--spider', 'http://localhost:8080/'], intervalNs: 15e9, timeoutNs: 5e9, retries: 3, startPeriodNs: 90e9 },
      labels: { 'lab.role': 'proxy', 'lab.tier': 'dev' },
      user: '1000:1000',
      workingDir: '/srv/www',
      hostname: 'proxy',
      capAdd: ['NET_ADMIN', 'SYS_TIME'],
      capDrop: ['ALL'],
      devices: [],
      extraHosts: ['printer.lab:127.0.0.2', 'nas.lab:127.0.0.3'],
      logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
      privileged: false,
      init: true,
      stopGracePeriodSeconds: 90,
      limits: { nanoCpus: 5e8, memoryBytes: 256 * 1024 ** 2, pids: 100 },
      profiles: [],
    });
  });

  it('builds environments from env_file, then environment, with variables and .env interpolated', () => {
    const { api, db } = full().project!.services;
    expect(api!.environment).toEqual({
      API_TOKEN: 'abc123',
      DB_HOST: 'db',
      DB_PASSWORD: 's3cr$t',
      DEBUG: 'false',
      FEATURE_FLAG: 'on',
      FROM_STACK: '1.36',
      GREETING: 'hello 1.36\tworld',
      LOG_LEVEL: 'debug',
      MOTD: 'two\nlines',
      WORKERS: '4',
    });
    expect(Object.keys(api!.environment)).toEqual(Object.keys(api!.environment).sort());
    expect(db!.environment).toEqual({ POSTGRES_DB: 'app', TZ: 'Europe/Paris' });
    expect(api!.command).toEqual(['sleep', '3600']);
    expect(api!.healthcheck).toEqual({ test: ['CMD-SHELL', 'wget -q --spider http://localhost:8080/health || exit 1'], intervalNs: 10e9, timeoutNs: null, retries: null, startPeriodNs: null });
    expect(api!.restart).toEqual({ name: 'on-failure', maxRetries: 3 });
    expect(api!.limits).toEqual({ nanoCpus: 1.5e9, memoryBytes: 512 * 1024 ** 2, pids: 200 });
    expect(api!.devices).toEqual([
      { pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse', permissions: 'rwm' },
      { pathOnHost: '/dev/net/tun', pathInContainer: '/dev/net/tun', permissions: 'rwm' },
    ]);
    expect(api!.labels).toEqual({ 'lab.role': 'api', 'lab.empty': '' });
    expect(db!.healthcheck).toEqual({ test: ['NONE'], intervalNs: null, timeoutNs: null, retries: null, startPeriodNs: null });
  });

  it('names networks and volumes for the engine, keeping only those running services use', () => {
    const { networks, volumes } = full().project!;
    expect(Object.fromEntries(Object.entries(networks).map(([k, n]) => [k, [n.name, n.external]]))).toEqual({
      front: ['homelab_front', false],
      back: ['homelab_back', false],
      shared: ['lab-shared', true],
    });
    expect(networks.front).toMatchObject({ driver: 'bridge', subnets: ['172.28.0.0/16'], labels: { 'lab.net': 'front' } });
    expect(networks.back).toMatchObject({ internal: true, attachable: true, driverOpts: { 'com.docker.network.bridge.enable_icc': 'true' } });
    expect(Object.fromEntries(Object.entries(volumes).map(([k, v]) => [k, [v.name, v.external]]))).toEqual({
      data: ['homelab_data', false],
      db: ['homelab_db', false],
      cache: ['homelab_cache', false],
      backups: ['nas-backups', true],
    });
    expect(volumes.cache!.driverOpts).toEqual({ type: 'tmpfs', device: 'tmpfs', o: 'size=100m' });
  });

  it('adds services, and the default network, when their profiles are enabled', () => {
    const { project, issues } = full({ profiles: ['jobs', 'monitoring'] });
    expect(issues).toEqual([]);
    expect(Object.keys(project!.services)).toEqual(['proxy', 'api', 'db', 'worker', 'metrics']);
    expect(project!.services.worker!.networks).toEqual({ default: { aliases: [], ipv4Address: null } });
    expect(project!.services.worker!.limits.memoryBytes).toBe(128 * 1024 ** 2);
    expect(project!.networks.default).toEqual({ name: 'homelab_default', external: false, driver: null, driverOpts: {}, labels: {}, internal: false, attachable: false, subnets: [] });
  });

  it('fails when a required variable is missing, naming it, its message and where', () => {
    const { project, issues } = full({ envFile: fixture('full.env').replace(/^DB_PASSWORD=.*$/m, '') });
    expect(project).toBeNull();
    expect(issues).toEqual([
      {
        severity: 'error',
        message: "Required variable DB_PASSWORD is missing a value (services.api.environment.DB_PASSWORD): set DB_PASSWORD for the api. Set DB_PASSWORD in .env or the stack's variables.",
        file: 'compose.yaml',
        path: 'services.api.environment.DB_PASSWORD',
        line: 87,
        column: 20,
      },
    ]);
  });

  it('lets stack variables override .env', () => {
    const { project } = full({ variables: { IMAGE_TAG: '1.37', DB_PASSWORD: 'from-ui' } });
    expect(project!.services.api!.image).toBe('registry.local:5000/rpt/busybox:1.37');
    expect(project!.services.api!.environment.DB_PASSWORD).toBe('from-ui');
  });
});

const issuesOf = (name: string) => load([['compose.yaml', fixture(name)]]).issues.map((i) => [i.severity, i.path, i.line, i.column]);

describe('loadComposeProject: invalid files give precise issues', () => {
  it('unsupported keys, at each key', () => {
    const { project, issues } = load([['compose.yaml', fixture('unsupported.yaml')]]);
    expect(project).toBeNull();
    expect(issues.map((i) => [i.severity, i.path, i.line, i.column])).toEqual([
      ['error', 'services.web.build', 4, 5],
      ['error', 'services.web.container_name', 5, 5],
      ['error', 'services.web.imagee', 6, 5],
      ['error', 'services.web.healthcheck.start_interval', 9, 7],
      ['error', 'services.web.deploy.replicas', 11, 7],
      ['error', 'secrets', 13, 1],
    ]);
    expect(issues[0]!.message).toBe('services.web.build is not supported by Rackpilot (yet): build the image elsewhere, push it to a registry and use image:.');
    expect(issues.every((i) => i.file === 'compose.yaml')).toBe(true);
  });

  it('wrong types and formats, at each value', () => {
    expect(issuesOf('bad-types.yaml')).toEqual([
      ['error', 'services.web.ports', 4, 12],
      ['error', 'services.web.restart', 5, 14],
      ['error', 'services.web.environment', 6, 18],
      ['error', 'services.api.image', 8, 12],
      ['error', 'services.api.ports[0]', 10, 9],
      ['error', 'services.api.ports[1]', 11, 9],
      ['error', 'services.api.volumes[0]', 13, 9],
      ['error', 'services.api.stop_grace_period', 14, 24],
      ['error', 'services.api.privileged', 15, 17],
    ]);
  });

  it('malformed YAML and duplicate keys', () => {
    expect(load([['compose.yaml', fixture('malformed.yaml')]]).issues).toEqual([
      { severity: 'error', message: 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the YAML here.', file: 'compose.yaml', path: '', line: 5, column: 3 },
    ]);
    expect(issuesOf('duplicate-keys.yaml')).toEqual([['error', 'services.web.image', 5, 5]]);
  });

  it('references to services, networks and volumes that do not exist, and a service without image', () => {
    const { issues } = load([['compose.yaml', fixture('references.yaml')]]);
    expect(issues.map((i) => [i.path, i.line, i.column, i.message])).toEqual([
      ['services.web.depends_on[0]', 4, 18, 'services.web depends on "cache", which is not a service of this stack: fix the name or add the service.'],
      ['services.web.networks[0]', 5, 16, 'services.web uses network "front", which is not declared: add it under the top-level networks:.'],
      ['services.web.volumes[0]', 7, 9, 'services.web uses volume "data", which is not declared: add it under the top-level volumes: (or write ./data for a folder of the stack).'],
      ['services.db', 8, 3, 'services.db has no image: Rackpilot does not build images; set image: to one in a registry (e.g. image: nginx:1.27).'],
    ]);
  });

  it('rejects settings for an external network that only meet after merging', () => {
    const { issues } = load([
      ['compose.yaml', 'services:\n  web:\n    image: a\n    networks: [lan]\nnetworks:\n  lan:\n    external: true\n'],
      ['compose.override.yaml', 'networks:\n  lan:\n    driver: macvlan\n'],
    ]);
    expect(issues.map((i) => [i.file, i.path, i.line, i.column])).toEqual([['compose.override.yaml', 'networks.lan.driver', 3, 5]]);
  });

  it('places issues of an override file in that file, after the main file\'s', () => {
    const { issues } = load([
      ['compose.yaml', 'services:\n  web:\n    image: a\n    build: .\n'],
      ['compose.override.yaml', 'services:\n  web:\n    ports: [abc]\n'],
    ]);
    expect(issues.map((i) => [i.file, i.path, i.line, i.column])).toEqual([
      ['compose.yaml', 'services.web.build', 4, 5],
      ['compose.override.yaml', 'services.web.ports[0]', 3, 13],
    ]);
  });
});
