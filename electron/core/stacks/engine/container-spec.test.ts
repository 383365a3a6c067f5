import { describe, expect, it } from 'vitest';
import { serviceConfigHash } from './config-hash';
import { containerSpec } from './container-spec';
import { portLinks } from './discover';
import { testNetwork, testProject, testService, testVolume } from './testing-project';

describe('containerSpec', () => {
  const project = testProject(
    'shop',
    [
      testService('web', {
        ports: [
          { target: 80, published: 8080, hostIp: '', protocol: 'tcp' },
          { target: 53, published: null, hostIp: '127.0.0.1', protocol: 'udp' },
        ],
        mounts: [
          { type: 'volume', source: 'data', target: '/data', readOnly: false, noCopy: false },
          { type: 'volume', source: null, target: '/cache', readOnly: true, noCopy: false },
          { type: 'bind', source: '/srv/site', target: '/www', readOnly: true, createHostPath: true },
          { type: 'bind', source: '/etc/ssl', target: '/ssl', readOnly: true, createHostPath: false },
          { type: 'tmpfs', target: '/run', sizeBytes: 1024, mode: null },
        ],
        networks: { default: { aliases: ['shop'], ipv4Address: null }, back: { aliases: [], ipv4Address: '10.5.0.9' } },
        dependsOn: { db: { condition: 'service_healthy', restart: true, required: true } },
        restart: { name: 'on-failure', maxRetries: 3 },
        stopGracePeriodSeconds: 5,
        labels: { 'com.docker.compose.project': 'not-this', team: 'ops' },
      }),
      testService('db'),
    ],
    { networks: { default: testNetwork('shop_default'), back: testNetwork('backend') }, volumes: { data: testVolume('shop_data') } },
  );
  const web = project.services.web!;

  it("writes docker compose's labels over the service's own", () => {
    const { name, options } = containerSpec(project, web, 'sha256:abc');
    expect(name).toBe('shop-web-1');
    expect(options.Labels).toMatchObject({
      team: 'ops',
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.config-hash': serviceConfigHash(project, web).hash,
      'com.docker.compose.project.working_dir': '/tmp/shop',
      'com.docker.compose.project.config_files': '/tmp/shop/compose.yaml',
      'com.docker.compose.image': 'sha256:abc',
      'com.docker.compose.depends_on': 'db:service_healthy:true',
      'com.docker.compose.version': '2.20.0-rackpilot',
      'dev.rackpilot.managed': 'true',
    });
  });

  it('maps ports, mounts, restart and stop grace to the Engine API', () => {
    const { options } = containerSpec(project, web, 'sha256:abc');
    expect(options.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    expect(options.HostConfig?.PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    expect(options.HostConfig?.Binds).toEqual(['/srv/site:/www:ro']);
    expect(options.HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: 'shop_data', Target: '/data', ReadOnly: false },
      { Type: 'volume', Source: '', Target: '/cache', ReadOnly: true },
      { Type: 'bind', Source: '/etc/ssl', Target: '/ssl', ReadOnly: true },
      { Type: 'tmpfs', Source: '', Target: '/run', TmpfsOptions: { SizeBytes: 1024 } },
    ]);
    expect(options.HostConfig?.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(options.StopTimeout).toBe(5);
  });

  it('attaches the first network at create with the service name as alias, the others after', () => {
    const spec = containerSpec(project, web, 'sha256:abc');
    expect(spec.options.HostConfig?.NetworkMode).toBe('backend');
    expect(spec.options.NetworkingConfig?.EndpointsConfig).toEqual({ backend: { Aliases: ['web'], IPAMConfig: { IPv4Address: '10.5.0.9' } } });
    expect(spec.moreNetworks).toEqual([{ name: 'shop_default', endpoint: { Aliases: ['web', 'shop'] } }]);
  });

  it("mounts the replaced container's anonymous volumes again", () => {
    const { options } = containerSpec(project, web, 'sha256:abc', [
      { name: 'a'.repeat(64), target: '/cache' },
      { name: 'b'.repeat(64), target: '/var/lib/image-volume' },
      { name: 'c'.repeat(64), target: '/data' },
    ]);
    const volumes = options.HostConfig?.Mounts?.filter((m) => m.Type === 'volume');
    expect(volumes).toEqual([
      { Type: 'volume', Source: 'shop_data', Target: '/data', ReadOnly: false },
      { Type: 'volume', Source: 'a'.repeat(64), Target: '/cache', ReadOnly: true },
      { Type: 'volume', Source: 'b'.repeat(64), Target: '/var/lib/image-volume', ReadOnly: false },
    ]);
  });
});

describe('portLinks', () => {
  const port = (IP: string, PublicPort: number, PrivatePort: number, Type = 'tcp') => ({ IP, PublicPort, PrivatePort, Type });

  it('shows a port bound on IPv4 and IPv6 once, as a link on the node', () => {
    expect(portLinks([port('0.0.0.0', 8080, 80), port('::', 8080, 80), port('', 0, 443)], 'node1.lan')).toEqual([
      { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp', url: 'http://node1.lan:8080' },
    ]);
  });

  it('links no UDP port, and a loopback-only port only when the engine is local', () => {
    expect(portLinks([port('0.0.0.0', 53, 53, 'udp')], 'node1.lan')[0]!.url).toBeNull();
    expect(portLinks([port('127.0.0.1', 9000, 9000)], 'node1.lan')[0]!.url).toBeNull();
    expect(portLinks([port('127.0.0.1', 9000, 9000)], '127.0.0.1')[0]!.url).toBe('http://127.0.0.1:9000');
    expect(portLinks([port('0.0.0.0', 80, 80)], 'fd00::5')[0]!.url).toBe('http://[fd00::5]:80');
  });
});
