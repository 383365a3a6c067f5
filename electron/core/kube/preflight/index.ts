/**
 * Preflight (issue 7 §2): before a bootstrap, each node is checked for what kubeadm and
 * Rackpilot's bootstrap need, and every finding says what to do about it. One gather script
 * per node over SSH (all nodes at once), a clock comparison, then the cross-node checks: unique
 * hostname / MAC / product_uuid, and real TCP reachability between the nodes through
 * short-lived test listeners. The report is ok when no check failed (warnings allowed).
 */
import type { PreflightCheck, PreflightReport } from '../../../../shared/domain/cluster-record';
import { resolveControlPlaneEndpoint, type ClusterSpec } from '../../../../shared/domain/cluster';
import type { KubeNode, Remote } from '../remote';
import { checkSsh, checkSudo, gatherNode, type NodeAccess } from './access';
import { check, type PreflightNode } from './check';
import type { NodeFacts } from './facts';
import { checkArch, checkCpus, checkHostname, checkMemory, checkOs, checkSwap } from './node-checks';
import { checkPortsFree } from './ports';
import { probeReachability } from './reachability';
import { checkApiFromHere, evaluateReachability, planReachability } from './reachability-plan';
import { checkTimeSync, readClockOffset, type ClockOffset } from './time-sync';
import { checkHostnameUnique, checkMacUnique, checkProductUuidUnique, type GatheredNode } from './uniqueness';

export interface PreflightOptions {
  clusterName: string;
  spec: ClusterSpec;
  /** Bootstrap order (init node first), as clusterMembers gives them. */
  nodes: KubeNode[];
  signal: AbortSignal;
  /** Progress: each node counts twice (its own checks, then its reachability probes). */
  onNode?: (nodeId: string, done: number, total: number) => void;
}

export function toPreflightNode(node: KubeNode): PreflightNode {
  return { id: node.id, name: node.name, address: node.address, role: node.role, user: node.target.user };
}

const isAbort = (err: unknown): boolean => (err as Error | undefined)?.name === 'AbortError';

interface NodeReading {
  node: KubeNode;
  access: NodeAccess;
  clock: ClockOffset | null;
}

/** The checks of one node that need only its own facts. */
function nodeChecks(reading: NodeReading): PreflightCheck[] {
  const { node, access } = reading;
  const p = toPreflightNode(node);
  const checks = [checkSsh(node, access)];
  if (access.sshError) return checks;
  if (access.sudo) checks.push(checkSudo(p, access.sudo));
  if (!access.facts) {
    checks.push(check('facts', node.id, 'Node facts', 'fail', `The preflight script did not run on ${node.name}: ${access.gatherError ?? 'no output'}`,
      'Check that the node has a POSIX sh and coreutils (a standard Debian or Ubuntu install does), then run preflight again.'));
    return checks;
  }
  const f = access.facts;
  checks.push(checkOs(p, f), checkArch(p, f), checkCpus(p, f), checkMemory(p, f), checkHostname(p, f), checkSwap(p, f), checkTimeSync(p, f, reading.clock), ...checkPortsFree(p, f));
  return checks;
}

/** Where kubeadm and every kubeconfig will reach the API server; a load balancer or VIP is the user's to provide. */
export function endpointCheck(spec: ClusterSpec, nodes: readonly KubeNode[]): PreflightCheck {
  const title = 'Control-plane endpoint';
  const endpoint = resolveControlPlaneEndpoint(spec, nodes);
  if (!endpoint.ok) return check('endpoint', null, title, 'fail', endpoint.message, 'Set a control-plane endpoint in the cluster, or give the first control plane an address.');
  const owner = nodes.find((n) => n.role === 'control-plane' && n.address.toLowerCase() === endpoint.host);
  if (owner) return check('endpoint', null, title, 'pass', `${endpoint.endpoint} (${owner.name})`);
  return check('endpoint', null, title, 'warn',
    `${endpoint.endpoint} is not the address of a control plane, so it must be a load balancer or virtual IP in front of them; Rackpilot does not set that up`,
    `Have it forward TCP ${endpoint.port} to port 6443 of every control plane before bootstrapping: kubeadm init talks to the API server through it.`);
}

export async function runPreflight(remote: Remote, o: PreflightOptions): Promise<PreflightReport> {
  const { nodes, signal } = o;
  const total = nodes.length * 2;
  let done = 0;
  const tick = (nodeId: string) => o.onNode?.(nodeId, ++done, total);

  const readings: NodeReading[] = await Promise.all(
    nodes.map(async (node) => {
      const access = await gatherNode(remote, node, signal);
      let clock: ClockOffset | null = null;
      if (!access.sshError) {
        clock = await readClockOffset(remote, node, signal).catch((err: unknown) => {
          if (isAbort(err) || signal.aborted) throw err;
          return null;
        });
      }
      tick(node.id);
      return { node, access, clock };
    }),
  );

  const checks: PreflightCheck[] = readings.flatMap(nodeChecks);
  const gathered: GatheredNode[] = readings.flatMap((r) =>
    r.access.facts ? [{ node: toPreflightNode(r.node), facts: r.access.facts, root: r.access.sudo?.kind === 'ok' || r.access.sudo?.kind === 'root' }] : [],
  );
  checks.push(...checkHostnameUnique(gathered), ...checkMacUnique(gathered), ...checkProductUuidUnique(gathered));

  const preflightNodes = nodes.map(toPreflightNode);
  const factsById = new Map<string, NodeFacts | null>(readings.map((r) => [r.node.id, r.access.facts]));
  // A node that could not be checked at all has its SSH failure to show; pairs with it say nothing more.
  const probes = planReachability(preflightNodes).filter((p) => factsById.get(p.from) && factsById.get(p.to));
  const controlPlanes = nodes.filter((n) => n.role === 'control-plane');
  const reach = await probeReachability(remote, {
    members: readings.map((r) => ({ node: r.node, facts: r.access.facts })),
    probes,
    fromHere: controlPlanes.filter((n) => factsById.get(n.id)),
    signal,
  });
  for (const node of nodes) tick(node.id);
  checks.push(...evaluateReachability(preflightNodes, factsById, probes, reach.outcomes));
  for (const cp of controlPlanes) {
    const outcome = reach.fromHere.get(cp.id);
    if (outcome) checks.push(checkApiFromHere(toPreflightNode(cp), factsById.get(cp.id) ?? null, outcome));
  }
  checks.push(endpointCheck(o.spec, nodes));

  const order = new Map<string | null, number>(nodes.map((n, i) => [n.id, i]));
  const sorted = checks.map((c, i) => ({ c, i })).sort((a, b) => (order.get(a.c.nodeId) ?? nodes.length) - (order.get(b.c.nodeId) ?? nodes.length) || a.i - b.i).map((x) => x.c);
  return { clusterName: o.clusterName, checkedAt: new Date().toISOString(), checks: sorted, ok: sorted.every((c) => c.status !== 'fail') };
}
