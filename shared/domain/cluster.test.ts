import { describe, expect, it } from 'vitest';
import {
  checkClusterSpec,
  cidrContainsAddress,
  cidrsOverlap,
  clusterSpecSchema,
  parseEndpoint,
  parseIpv4Cidr,
  resolveControlPlaneEndpoint,
  type ClusterNodeRef,
  type ClusterSpecInput,
} from './cluster';

const cidr = (text: string) => {
  const r = parseIpv4Cidr(text);
  if (!r.ok) throw new Error(r.message);
  return r.cidr;
};
const messages = (input: unknown) => clusterSpecSchema.safeParse(input).error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

describe('CIDR helpers', () => {
  it('parses IPv4 networks and refuses host bits, IPv6 and junk with a reason', () => {
    expect(cidr('10.244.0.0/16')).toEqual({ network: 0x0af40000, prefix: 16, text: '10.244.0.0/16' });
    expect(parseIpv4Cidr('10.244.1.0/16')).toMatchObject({ ok: false, message: expect.stringMatching(/host bits.*10\.244\.0\.0\/16/) });
    expect(parseIpv4Cidr('fd00::/64')).toMatchObject({ ok: false, message: expect.stringMatching(/IPv6/) });
    for (const bad of ['10.244.0.0', '10.244.0.0/33', '10.244.0/16', '10.0.0.0/8/8']) expect(parseIpv4Cidr(bad).ok, bad).toBe(false);
  });

  it('tells overlapping networks and contained addresses', () => {
    expect(cidrsOverlap(cidr('10.96.0.0/12'), cidr('10.100.0.0/16'))).toBe(true);
    expect(cidrsOverlap(cidr('10.96.0.0/12'), cidr('10.244.0.0/16'))).toBe(false);
    expect(cidrsOverlap(cidr('0.0.0.0/0'), cidr('192.168.1.0/24'))).toBe(true);
    expect(cidrContainsAddress(cidr('192.168.0.0/16'), '192.168.1.20')).toBe(true);
    expect(cidrContainsAddress(cidr('192.168.0.0/16'), '10.0.0.1')).toBe(false);
    expect(cidrContainsAddress(cidr('192.168.0.0/16'), 'node.lan')).toBe(false);
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['192.168.1.50', '192.168.1.50:6443'],
    ['192.168.1.50:8443', '192.168.1.50:8443'],
    ['K8s.Lab', 'k8s.lab:6443'],
    ['[fd00::50]:6443', '[fd00::50]:6443'],
    ['fd00::50', '[fd00::50]:6443'],
  ])('%s → %s', (input, endpoint) => expect(parseEndpoint(input)).toMatchObject({ ok: true, endpoint }));

  it.each(['192.168.1.50:0', '192.168.1.50:http', 'a b', '[k8s.lab]:6443', ''])('refuses %j', (input) => {
    expect(parseEndpoint(input)).toMatchObject({ ok: false, message: expect.stringMatching(/host:port/) });
  });
});

describe('clusterSpecSchema', () => {
  it('fills defaults, with the pod network following the CNI', () => {
    expect(clusterSpecSchema.parse({ name: 'lab', controlPlane: ['n1'] })).toEqual({
      name: 'lab',
      kubernetesVersion: '1.34',
      controlPlane: ['n1'],
      workers: [],
      podCidr: '10.244.0.0/16',
      serviceCidr: '10.96.0.0/12',
      cni: 'flannel',
      runtime: { cgroupDriver: 'systemd', criSocket: 'unix:///run/containerd/containerd.sock' },
    });
    expect(clusterSpecSchema.parse({ name: 'lab', controlPlane: ['n1'], cni: 'calico' }).podCidr).toBe('192.168.0.0/16');
    expect(clusterSpecSchema.parse({ name: 'lab', controlPlane: ['n1'], kubernetesVersion: 'v1.31' }).kubernetesVersion).toBe('1.31');
  });

  it('requires an endpoint for more than one control plane and says why', () => {
    expect(messages({ name: 'ha', controlPlane: ['a', 'b', 'c'] })).toEqual([
      ['controlPlaneEndpoint', expect.stringMatching(/more than one control plane.*load-balanced address or a virtual IP/)],
    ]);
    expect(clusterSpecSchema.parse({ name: 'ha', controlPlane: ['a', 'b', 'c'], controlPlaneEndpoint: '10.0.0.50' }).controlPlaneEndpoint).toBe(
      '10.0.0.50:6443',
    );
  });

  it('refuses cgroupfs with the reason', () => {
    expect(messages({ name: 'lab', controlPlane: ['a'], runtime: { cgroupDriver: 'cgroupfs' } })).toEqual([
      ['runtime.cgroupDriver', expect.stringMatching(/cgroupfs driver is not supported.*kubelet and containerd.*Use systemd/)],
    ]);
  });

  it('explains each bad field', () => {
    const issues = Object.fromEntries(
      messages({
        name: 'My Lab',
        kubernetesVersion: '1.31.4',
        controlPlane: [],
        podCidr: '10.244.0.0/25',
        serviceCidr: '10.0.0.0/8',
        cni: 'weave',
        runtime: { criSocket: '/run/containerd/containerd.sock' },
      }),
    );
    expect(issues).toEqual({
      name: expect.stringMatching(/lower-case letters/),
      kubernetesVersion: expect.stringMatching(/minor version only \(e\.g\. 1\.31\)/),
      controlPlane: expect.stringMatching(/at least one control-plane node/),
      podCidr: expect.stringMatching(/too small.*\/24/),
      serviceCidr: expect.stringMatching(/too large.*\/12/),
      cni: expect.stringMatching(/flannel or calico/),
      'runtime.criSocket': expect.stringMatching(/unix:\/\//),
    });
    expect(messages({ name: 'lab', controlPlane: ['a'], kubernetesVersion: '1.28' })).toEqual([
      ['kubernetesVersion', expect.stringMatching(/1\.28 is not supported: Rackpilot installs 1\.31, 1\.32, 1\.33, 1\.34/)],
    ]);
  });
});

describe('checkClusterSpec', () => {
  const nodes: ClusterNodeRef[] = [
    { id: 'a', name: 'cp-a', address: '192.168.1.11' },
    { id: 'b', name: 'cp-b', address: '192.168.1.12' },
    { id: 'c', name: 'CP-A', address: '192.168.1.13' },
    { id: 'd', name: 'w-d', address: '' },
  ];
  const check = (input: ClusterSpecInput, inventory = nodes) => checkClusterSpec(clusterSpecSchema.parse(input), inventory);
  const codes = (input: ClusterSpecInput, inventory = nodes) => check(input, inventory).map((i) => [i.code, i.path.join('.')]);

  it('passes a sound spec', () => {
    expect(check({ name: 'lab', controlPlane: ['a'], workers: ['b'] })).toEqual([]);
  });

  it('finds node problems, each at its list position', () => {
    expect(codes({ name: 'lab', controlPlane: ['a', 'zz', 'a'], workers: ['a', 'd', 'c'], controlPlaneEndpoint: '192.168.1.50' })).toEqual([
      ['unknown-node', 'controlPlane.1'],
      ['duplicate-node', 'controlPlane.2'],
      ['node-in-both-roles', 'workers.0'],
      ['node-without-address', 'workers.1'],
      ['duplicate-node-name', 'workers.2'],
    ]);
  });

  it('warns about an even number of control planes (etcd quorum)', () => {
    const issues = check({ name: 'ha', controlPlane: ['a', 'b'], controlPlaneEndpoint: '192.168.1.50' });
    expect(issues).toEqual([
      { severity: 'warning', code: 'even-control-planes', path: ['controlPlane'], message: expect.stringMatching(/etcd needs a majority.*odd number/) },
    ]);
  });

  it('finds networks that overlap each other, a node or the endpoint', () => {
    expect(codes({ name: 'lab', controlPlane: ['a'], podCidr: '10.96.0.0/16' })).toEqual([['cidr-overlap', 'serviceCidr']]);
    expect(codes({ name: 'lab', controlPlane: ['a'], cni: 'calico' })).toEqual([['cidr-contains-node', 'podCidr']]);
    expect(codes({ name: 'lab', controlPlane: ['a'], controlPlaneEndpoint: '10.96.0.5' })).toEqual([['cidr-contains-endpoint', 'serviceCidr']]);
    const [issue] = check({ name: 'lab', controlPlane: ['a'], serviceCidr: '192.168.1.0/24' });
    expect(issue?.message).toMatch(/service network 192\.168\.1\.0\/24 contains cp-a's address 192\.168\.1\.11.*Pick a range/);
  });

  it('finds a pod network too small for the nodes', () => {
    expect(codes({ name: 'lab', controlPlane: ['a'], workers: ['b'], podCidr: '10.244.0.0/24' })).toEqual([['pod-cidr-too-small', 'podCidr']]);
    expect(check({ name: 'lab', controlPlane: ['a'], workers: ['b'], podCidr: '10.244.0.0/23' })).toEqual([]);
  });

  it('resolves the endpoint from the spec or the first control plane', () => {
    const spec = clusterSpecSchema.parse({ name: 'lab', controlPlane: ['a'] });
    expect(resolveControlPlaneEndpoint(spec, nodes)).toMatchObject({ ok: true, endpoint: '192.168.1.11:6443' });
    expect(resolveControlPlaneEndpoint({ ...spec, controlPlane: ['d'] }, nodes)).toMatchObject({ ok: false, message: expect.stringMatching(/no address/) });
    expect(resolveControlPlaneEndpoint(spec, [{ id: 'a', name: 'a', address: 'fd00::11' }])).toMatchObject({ ok: true, endpoint: '[fd00::11]:6443' });
  });
});
