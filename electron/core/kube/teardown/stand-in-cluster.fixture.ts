/**
 * Test fixture (integration tests only): a small cluster on the stand-in rack, built over SSH the
 * plain kubeadm way — pkgs.k8s.io repository, packages, `kubeadm init` on the first node, `kubeadm
 * join` on the others, the flannel manifest renderCluster makes — so the teardown has a real
 * cluster's leftovers to remove. Deliberately not the bootstrap job: teardown tests must not
 * depend on it.
 */
import { clusterSpecSchema, type ClusterSpec } from '../../../../shared/domain/cluster';
import type { StandInRack } from '../../testing/kube-rack';
import { parseJoinCommand } from '../output/join-command';
import type { KubeNode, Remote } from '../remote';
import { renderCluster, type RenderedCluster } from '../render/render-cluster';
import { waitFor } from '../../testing/wait-for';

export interface StandInCluster {
  spec: ClusterSpec;
  rendered: RenderedCluster;
  /** Teardown's view: the init node first, then the others. */
  nodes: KubeNode[];
}

/** KubeNodes for rack nodes (first = init control plane, rest = workers), reached with the app's key. */
export function kubeNodesOf(rack: StandInRack, names: string[]): KubeNode[] {
  return names.map((name, i) => {
    const n = rack.node(name);
    return {
      id: `node-${name}`,
      name,
      address: n.address,
      role: i === 0 ? 'control-plane' : 'worker',
      init: i === 0,
      target: { nodeId: `node-${name}`, name, address: n.address, port: n.port, user: rack.user, hostKeys: [n.hostKey] },
    };
  });
}

async function must(remote: Remote, node: KubeNode, what: string, script: string): Promise<string> {
  const r = await remote.run(node, script, { timeoutMs: 180_000 });
  if (r.exitCode !== 0) throw new Error(`${what} on ${node.name} failed (${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** The pinned pkgs.k8s.io repository and kubeadm/kubelet/kubectl, as the docs install them. */
export async function installKubeTools(remote: Remote, node: KubeNode, minor: string): Promise<void> {
  await must(
    remote,
    node,
    'installing the kube packages',
    [
      'set -e',
      'command -v kubeadm >/dev/null 2>&1 && exit 0',
      'mkdir -p /etc/apt/keyrings',
      `curl -fsSL https://pkgs.k8s.io/core:/stable:/v${minor}/deb/Release.key | gpg --batch --yes --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg`,
      `echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v${minor}/deb/ /' > /etc/apt/sources.list.d/kubernetes.list`,
      'apt-get update -q',
      'apt-get install -y kubelet kubeadm kubectl',
      'apt-mark hold kubelet kubeadm kubectl',
      'modprobe overlay; modprobe br_netfilter',
    ].join('\n'),
  );
}

export async function buildStandInCluster(remote: Remote, rack: StandInRack, name: string, nodeNames: string[]): Promise<StandInCluster> {
  const nodes = kubeNodesOf(rack, nodeNames);
  const spec = clusterSpecSchema.parse({ name, controlPlane: [nodes[0]!.id], workers: nodes.slice(1).map((n) => n.id) });
  const rendered = renderCluster(spec, nodes.map((n) => ({ id: n.id, name: n.name, address: n.address })));
  await Promise.all(nodes.map((n) => installKubeTools(remote, n, spec.kubernetesVersion)));

  const [init, ...workers] = nodes;
  await remote.writeFile(init!, '/root/rackpilot-test/kubeadm-init.yaml', rendered.initConfig, { mode: '600' });
  const out = await must(remote, init!, 'kubeadm init', 'kubeadm init --config /root/rackpilot-test/kubeadm-init.yaml --upload-certs');
  const creds = parseJoinCommand(out);
  if (!creds) throw new Error(`kubeadm init on ${init!.name} printed no join command:\n${out}`);
  for (const worker of workers) {
    await remote.writeFile(worker, '/root/rackpilot-test/kubeadm-join.yaml', rendered.joinConfig(worker.id, { token: creds.token, caCertHashes: creds.caCertHashes }), { mode: '600' });
    await must(remote, worker, 'kubeadm join', 'kubeadm join --config /root/rackpilot-test/kubeadm-join.yaml');
  }
  await remote.writeFile(init!, '/root/rackpilot-test/cni.yaml', rendered.cni.manifest);
  await must(remote, init!, 'applying the CNI', 'kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f /root/rackpilot-test/cni.yaml');
  await Promise.all(nodes.map((n) => waitForPodNetwork(remote, n)));
  return { spec, rendered, nodes };
}

/**
 * A cluster is only settled once flanneld and kube-proxy run on every node: the kubelet starts
 * them a tick after the manifest lands. Tests that look at leftovers straight after building the
 * cluster raced that tick (a wipe check without flannel.1 in it).
 */
async function waitForPodNetwork(remote: Remote, node: KubeNode): Promise<void> {
  const settled = 'ip link show flannel.1 >/dev/null 2>&1 && iptables -t nat -n -L KUBE-SERVICES >/dev/null 2>&1';
  await waitFor(`flannel.1 and kube-proxy's chains on ${node.name} after applying the CNI (is the stand-in kubelet running there?)`, async () => (await remote.run(node, settled, { timeoutMs: 30_000 })).exitCode === 0, 90_000, 500);
}

/** Applies YAML through kubectl on the init node, as a person would. */
export async function kubectlApply(remote: Remote, init: KubeNode, yaml: string): Promise<void> {
  await remote.writeFile(init, '/root/rackpilot-test/apply.yaml', yaml);
  await must(remote, init, 'kubectl apply', 'kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f /root/rackpilot-test/apply.yaml');
}
