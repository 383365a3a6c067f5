import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { clusterSpecSchema, type ClusterSpecInput } from '../../../../shared/domain/cluster';
import { RackpilotError } from '../../../../shared/errors';
import { CALICO_OPERATOR_MANIFEST_URLS } from './calico-installation';
import { renderContainerdConfig } from './containerd';
import { FLANNEL_IMAGE } from './flannel-manifest';
import { renderCluster, type ClusterNode } from './render-cluster';

type Doc = Record<string, unknown> & { apiVersion: string; kind: string };

function docs(yamlText: string): Doc[] {
  return parseAllDocuments(yamlText).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Doc;
  });
}
const kind = (all: Doc[], k: string) => {
  const found = all.filter((d) => d.kind === k);
  expect(found, k).toHaveLength(1);
  return found[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test probing of parsed YAML
};

/** Just enough TOML for containerd's file: [table] headers and key = value lines. */
function tomlTables(text: string): Map<string, Map<string, string>> {
  const tables = new Map<string, Map<string, string>>([['', new Map()]]);
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) tables.set((current = header[1] ?? ''), new Map());
    else {
      const [key = '', value = ''] = line.split(/\s*=\s*/, 2);
      tables.get(current)?.set(key, value);
    }
  }
  return tables;
}

const inventory: ClusterNode[] = [
  { id: 'n1', name: 'CP-1', address: '10.10.0.11' },
  { id: 'n2', name: 'cp-2', address: '10.10.0.12' },
  { id: 'n3', name: 'cp-3', address: '10.10.0.13' },
  { id: 'n4', name: 'worker-1', address: '10.10.0.21' },
  { id: 'n5', name: 'worker-2', address: '10.10.0.22', containerdConfigVersion: 3 },
];
const creds = {
  token: 'k3x9aa.0123456789abcdef',
  caCertHashes: [`sha256:${'ab'.repeat(32)}`],
  certificateKey: 'cd'.repeat(32),
};

const cases: { title: string; input: ClusterSpecInput; endpoint: string; version: string; patch?: number }[] = [
  {
    title: 'single control plane, flannel, defaults',
    input: { name: 'lab', controlPlane: ['n1'], workers: ['n4', 'n5'] },
    endpoint: '10.10.0.11:6443',
    version: 'stable-1.34',
  },
  {
    title: 'three control planes behind an endpoint, calico',
    input: { name: 'ha', controlPlane: ['n1', 'n2', 'n3'], workers: ['n4'], controlPlaneEndpoint: '10.10.0.50', cni: 'calico' },
    endpoint: '10.10.0.50:6443',
    version: 'v1.34.2',
    patch: 2,
  },
  {
    title: 'custom CIDRs and version',
    input: {
      name: 'custom',
      kubernetesVersion: '1.31',
      controlPlane: ['n2'],
      workers: ['n4'],
      controlPlaneEndpoint: 'k8s.lab:8443',
      podCidr: '10.32.0.0/16',
      serviceCidr: '10.100.0.0/16',
    },
    endpoint: 'k8s.lab:8443',
    version: 'v1.31.4',
    patch: 4,
  },
];

describe.each(cases)('renderCluster: $title', ({ input, endpoint, version, patch }) => {
  const spec = clusterSpecSchema.parse(input);
  const cluster = renderCluster(spec, inventory, { kubernetesPatch: patch });
  const init = docs(cluster.initConfig);

  it('renders init as v1beta4 Init/Cluster configuration plus a KubeletConfiguration', () => {
    expect(init.map((d) => [d.apiVersion, d.kind])).toEqual([
      ['kubeadm.k8s.io/v1beta4', 'InitConfiguration'],
      ['kubeadm.k8s.io/v1beta4', 'ClusterConfiguration'],
      ['kubelet.config.k8s.io/v1beta1', 'KubeletConfiguration'],
    ]);
    const clusterConfig = kind(init, 'ClusterConfiguration');
    expect(clusterConfig.clusterName).toBe(spec.name);
    expect(clusterConfig.kubernetesVersion).toBe(version);
    expect(cluster.kubernetesVersion).toBe(version);
    expect(clusterConfig.controlPlaneEndpoint).toBe(endpoint);
    expect(cluster.endpoint).toBe(endpoint);
    expect(clusterConfig.networking).toMatchObject({ podSubnet: spec.podCidr, serviceSubnet: spec.serviceCidr });
    expect(clusterConfig.controllerManager.extraArgs).toEqual([{ name: 'node-cidr-mask-size', value: '24' }]);
  });

  it('registers the first control plane by its lower-case name and IP, with list-form kubelet args', () => {
    const first = cluster.nodes[0];
    expect(first).toMatchObject({ init: true, role: 'control-plane', nodeId: spec.controlPlane[0] });
    const initConfig = kind(init, 'InitConfiguration');
    expect(initConfig.nodeRegistration).toMatchObject({
      name: first?.nodeName,
      criSocket: 'unix:///run/containerd/containerd.sock',
      kubeletExtraArgs: [{ name: 'node-ip', value: first?.advertiseAddress }],
    });
    expect(initConfig.localAPIEndpoint).toEqual({ advertiseAddress: first?.advertiseAddress, bindPort: 6443 });
    expect(first?.nodeName).toBe(first?.nodeName.toLowerCase());
  });

  it('puts no join secret in the init config', () => {
    const initConfig = kind(init, 'InitConfiguration');
    expect(initConfig.bootstrapTokens).toBeUndefined();
    expect(initConfig.certificateKey).toBeUndefined();
    expect(cluster.initConfig).not.toMatch(/token|certificateKey/i);
  });

  it('gives kubelet and containerd the same systemd cgroup driver and socket', () => {
    expect(kind(init, 'KubeletConfiguration').cgroupDriver).toBe('systemd');
    for (const node of cluster.nodes) {
      const tables = tomlTables(node.containerdConfig);
      const v3 = inventory.find((n) => n.id === node.nodeId)?.containerdConfigVersion === 3;
      const cri = v3 ? "plugins.'io.containerd.cri.v1.runtime'" : 'plugins."io.containerd.grpc.v1.cri"';
      expect(tables.get('')?.get('version')).toBe(v3 ? '3' : '2');
      expect(tables.get(`${cri}.containerd.runtimes.runc.options`)?.get('SystemdCgroup')).toBe('true');
      expect(tables.get(`${cri}.containerd.runtimes.runc`)?.get('runtime_type')).toBe('"io.containerd.runc.v2"');
      expect(tables.get('grpc')?.get('address')).toBe('"/run/containerd/containerd.sock"');
    }
  });

  it('gives the CNI the same pod network as kubeadm', () => {
    const podSubnet = kind(init, 'ClusterConfiguration').networking.podSubnet;
    const cni = docs(cluster.cni.manifest);
    if (spec.cni === 'flannel') {
      const netConf = JSON.parse(kind(cni, 'ConfigMap').data['net-conf.json']);
      expect(netConf).toEqual({ Network: podSubnet, EnableNFTables: false, Backend: { Type: 'vxlan' } });
      const ds = kind(cni, 'DaemonSet');
      expect(ds.spec.template.spec.containers[0].image).toBe(FLANNEL_IMAGE);
      expect(cni.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet']);
      expect(cluster.cni.prerequisiteUrls).toEqual([]);
    } else {
      const installation = kind(cni, 'Installation');
      expect(installation.apiVersion).toBe('operator.tigera.io/v1');
      expect(installation.spec.calicoNetwork.ipPools[0].cidr).toBe(podSubnet);
      expect(cluster.cni.prerequisiteUrls).toEqual([...CALICO_OPERATOR_MANIFEST_URLS]);
      expect(cluster.cni.manifest).toContain('tigera-operator.yaml');
    }
  });

  it('orders nodes init first, then control planes, then workers', () => {
    expect(cluster.nodes.map((n) => n.nodeId)).toEqual([...spec.controlPlane, ...spec.workers]);
    expect(cluster.nodes.filter((n) => n.init)).toHaveLength(1);
  });

  it('renders joins with the certificate key for control planes only', () => {
    for (const node of cluster.nodes.slice(1)) {
      const [join, ...rest] = docs(cluster.joinConfig(node.nodeId, creds)) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(rest).toEqual([]);
      expect([join?.apiVersion, join?.kind]).toEqual(['kubeadm.k8s.io/v1beta4', 'JoinConfiguration']);
      expect(join?.discovery.bootstrapToken).toEqual({ apiServerEndpoint: endpoint, token: creds.token, caCertHashes: creds.caCertHashes });
      expect(join?.nodeRegistration).toMatchObject({ name: node.nodeName, kubeletExtraArgs: [{ name: 'node-ip', value: node.advertiseAddress }] });
      if (node.role === 'control-plane') {
        expect(join?.controlPlane).toEqual({
          localAPIEndpoint: { advertiseAddress: node.advertiseAddress, bindPort: 6443 },
          certificateKey: creds.certificateKey,
        });
      } else {
        expect(join?.controlPlane).toBeUndefined();
        expect(cluster.joinConfig(node.nodeId, creds)).not.toContain(creds.certificateKey);
      }
    }
  });
});

describe('renderCluster refusals', () => {
  const spec = clusterSpecSchema.parse({ name: 'lab', controlPlane: ['n1', 'n2', 'n3'], workers: ['n4'], controlPlaneEndpoint: '10.10.0.50' });
  const cluster = renderCluster(spec, inventory);

  it('refuses a spec with errors, naming each problem for its field', () => {
    // Calico's default pod network is the home LAN range many racks sit on.
    const bad = clusterSpecSchema.parse({ name: 'lab', controlPlane: ['n1'], cni: 'calico' });
    const error = (() => {
      try {
        renderCluster(bad, [{ id: 'n1', name: 'CP-1', address: '192.168.1.11' }]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RackpilotError);
    expect((error as RackpilotError).code).toBe('E_VALIDATION');
    expect((error as RackpilotError).message).toMatch(/pod network 192\.168\.0\.0\/16 contains CP-1's address/);
    expect((error as RackpilotError).details).toMatchObject({ issues: [{ path: ['podCidr'] }] });
  });

  it('refuses a node known only by host name until its IP is given', () => {
    const nodes = [{ id: 'h1', name: 'box', address: 'box.lan' }];
    const byName = clusterSpecSchema.parse({ name: 'lab', controlPlane: ['h1'] });
    expect(() => renderCluster(byName, nodes)).toThrow(/needs the node's IP address/);
    const ok = renderCluster(byName, [{ ...nodes[0]!, advertiseAddress: '10.10.0.30' }]);
    expect(ok.endpoint).toBe('box.lan:6443');
    expect(ok.initConfig).toContain('advertiseAddress: 10.10.0.30');
  });

  it('refuses malformed join credentials without echoing them', () => {
    expect(() => cluster.joinConfig('n4', { ...creds, token: 'SECRET-not-a-token' })).toThrow(/not in kubeadm's format/);
    expect(() => cluster.joinConfig('n4', { ...creds, token: 'SECRET-not-a-token' })).not.toThrow(/SECRET/);
    expect(() => cluster.joinConfig('n4', { ...creds, caCertHashes: [] })).toThrow(/sha256:/);
    expect(() => cluster.joinConfig('n2', { ...creds, certificateKey: undefined })).toThrow(/certificate key/);
    expect(() => cluster.joinConfig('n1', creds)).toThrow(/does not join/);
    expect(() => cluster.joinConfig('n5', creds)).toThrow(/not part of cluster/);
  });

  it('quotes YAML 1.1 booleans so Go readers keep them as strings', () => {
    const on = renderCluster(clusterSpecSchema.parse({ name: 'on', controlPlane: ['n1'] }), inventory);
    expect(on.initConfig).toContain('clusterName: "on"');
  });

  it('renders containerd 2.x config with its own table names', () => {
    const text = renderContainerdConfig(spec, 3);
    expect(text).toMatch(/^version = 3$/m);
    expect(text).toContain("[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]");
  });
});
