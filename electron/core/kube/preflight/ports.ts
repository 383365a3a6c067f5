/**
 * The TCP ports kubeadm's preflight wants free (its Port-<n> checks) and which of them other
 * nodes must reach. Control planes: the API server 6443, etcd 2379-2380, the kubelet 10250,
 * kube-controller-manager 10257 and kube-scheduler 10259; workers: the kubelet 10250. NodePorts
 * (30000-32767) are not needed to build a cluster, so they are not checked.
 */
import type { PreflightCheck } from '../../../../shared/domain/cluster-record';
import { check, type PreflightNode } from './check';
import type { NodeFacts } from './facts';

export interface KubePort {
  port: number;
  what: string;
}

export const CONTROL_PLANE_PORTS: readonly KubePort[] = [
  { port: 6443, what: 'the Kubernetes API server' },
  { port: 2379, what: 'etcd clients' },
  { port: 2380, what: 'etcd peers' },
  { port: 10250, what: 'the kubelet API' },
  { port: 10257, what: 'kube-controller-manager' },
  { port: 10259, what: 'kube-scheduler' },
];
export const WORKER_PORTS: readonly KubePort[] = [{ port: 10250, what: 'the kubelet API' }];

export function requiredPorts(role: PreflightNode['role']): readonly KubePort[] {
  return role === 'control-plane' ? CONTROL_PLANE_PORTS : WORKER_PORTS;
}

export function portWhat(port: number): string {
  return CONTROL_PLANE_PORTS.find((p) => p.port === port)?.what ?? `port ${port}`;
}

/** Programs of an earlier cluster: the fix is a reset, not killing a stranger's service. */
const KUBE_PROCESSES = /^(kube-apiserver|kube-controller|kube-scheduler|kubelet|etcd|kube-proxy)/;

/** Ports taken on the node, with who holds them; null when listening sockets could not be listed. */
export function portsInUse(facts: NodeFacts, ports: readonly number[]): Map<number, string> | null {
  if (facts.listening === null) return null;
  const taken = new Map<number, string>();
  for (const socket of facts.listening) {
    if (!ports.includes(socket.port) || taken.has(socket.port)) continue;
    const where = socket.address ? `${socket.address}:${socket.port}` : `port ${socket.port}`;
    taken.set(socket.port, socket.process ? `${socket.process} on ${where}` : `a process Rackpilot could not name on ${where}`);
  }
  return taken;
}

export function checkPortsFree(node: PreflightNode, facts: NodeFacts): PreflightCheck[] {
  const ports = requiredPorts(node.role);
  const taken = portsInUse(facts, ports.map((p) => p.port));
  if (taken === null) {
    return [check('port-free', node.id, 'Ports free', 'warn', 'Not checked: neither ss nor /proc/net/tcp could be read',
      `Check by hand that nothing listens on ${ports.map((p) => p.port).join(', ')}: sudo ss -tlnp`)];
  }
  return ports.map(({ port, what }) => {
    const holder = taken.get(port);
    const title = `Port ${port} free`;
    if (!holder) return check(`port-free:${port}`, node.id, title, 'pass', `Nothing listens on ${port} (${what})`);
    const name = /^(\S+) \(pid/.exec(holder)?.[1] ?? '';
    const fix = KUBE_PROCESSES.test(name)
      ? `That is left from an earlier cluster: tear it down in Rackpilot, or run sudo kubeadm reset -f on the node.`
      : `Stop that program or move it to another port (sudo ss -tlnp 'sport = :${port}' shows it, e.g. sudo systemctl stop <its service>): kubeadm needs ${port} for ${what}.`;
    return check(`port-free:${port}`, node.id, title, 'fail', `Port ${port} is in use by ${holder}`, fix);
  });
}
