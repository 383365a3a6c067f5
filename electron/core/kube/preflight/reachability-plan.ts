/**
 * Which node must reach which port of which other node, and what the probes' outcomes mean.
 * Every node talks to each control plane's API server (6443); control planes talk to every
 * kubelet (10250: logs, exec) and to each other's etcd (2379-2380). kube-controller-manager and
 * kube-scheduler listen on 127.0.0.1 only, so 10257/10259 need no reachability. Pure.
 */
import type { PreflightCheck } from '../../../../shared/domain/cluster-record';
import { check, listing, type PreflightNode } from './check';
import type { NodeFacts } from './facts';
import { portWhat } from './ports';

export interface ReachProbe {
  /** Node id of the prober. */
  from: string;
  /** Node id of the listener. */
  to: string;
  port: number;
}

export type ProbeOutcome =
  | { kind: 'ok' }
  | { kind: 'timeout' }
  | { kind: 'refused' }
  | { kind: 'error'; detail: string }
  /** The probe did not run: no listener, no tool, SSH failed… */
  | { kind: 'not-checked'; reason: string };

export const probeKey = (p: { from: string; to: string; port: number }): string => `${p.from}>${p.to}:${p.port}`;

export function planReachability(nodes: readonly PreflightNode[]): ReachProbe[] {
  const probes: ReachProbe[] = [];
  const controlPlanes = nodes.filter((n) => n.role === 'control-plane');
  for (const to of controlPlanes) {
    for (const from of nodes) if (from.id !== to.id) probes.push({ from: from.id, to: to.id, port: 6443 });
    for (const from of controlPlanes) {
      if (from.id !== to.id) probes.push({ from: from.id, to: to.id, port: 2379 }, { from: from.id, to: to.id, port: 2380 });
    }
  }
  for (const to of nodes) {
    for (const from of controlPlanes) if (from.id !== to.id) probes.push({ from: from.id, to: to.id, port: 10250 });
  }
  return probes;
}

/** The ports each node must listen on for the plan (node id → ports). */
export function listenPorts(probes: readonly ReachProbe[]): Map<string, number[]> {
  const ports = new Map<string, number[]>();
  for (const p of probes) {
    const list = ports.get(p.to) ?? [];
    if (!list.includes(p.port)) list.push(p.port);
    ports.set(p.to, list);
  }
  return ports;
}

/** Does this `iptables -S INPUT` line drop or reject TCP to `port`? Rules for other ports do not. */
export function ruleBlocksPort(rule: string, port: number): boolean {
  if (/^-P INPUT DROP/.test(rule)) return true;
  if (/-p (udp|icmp)/.test(rule)) return false;
  const single = /--dport (\d+)(?::(\d+))?/.exec(rule);
  if (single) {
    const low = Number(single[1]);
    const high = single[2] ? Number(single[2]) : low;
    return port >= low && port <= high;
  }
  const multi = /--dports (\S+)/.exec(rule);
  if (multi) {
    return (multi[1] ?? '').split(',').some((part) => {
      const [a = '', b] = part.split(':');
      return port >= Number(a) && port <= Number(b ?? a);
    });
  }
  // No port match at all: a rule for a source or interface, or everything.
  return true;
}

/** The fix for an unreachable port, naming the firewall the listener's node actually runs. */
export function firewallFix(target: PreflightNode, facts: NodeFacts | null, port: number): string {
  const range = port === 2379 || port === 2380 ? '2379:2380' : String(port);
  const rules = facts?.firewall.inputRules.filter((r) => ruleBlocksPort(r, port)) ?? [];
  const drop = rules.find((r) => r.startsWith('-A '));
  if (drop) {
    return `${target.name}'s firewall has the rule "${drop}" (sudo iptables -S INPUT shows it). Remove it (sudo iptables ${drop.replace(/^-A /, '-D ')}) or allow the port before it: sudo iptables -I INPUT -p tcp --dport ${range} -j ACCEPT`;
  }
  if (facts?.firewall.ufwActive) return `ufw is active on ${target.name}: sudo ufw allow ${range}/tcp`;
  if (facts?.firewall.firewalldRunning) return `firewalld runs on ${target.name}: sudo firewall-cmd --permanent --add-port=${range.replace(':', '-')}/tcp && sudo firewall-cmd --reload`;
  if (rules.length > 0) return `${target.name}'s INPUT policy drops it: sudo iptables -I INPUT -p tcp --dport ${range} -j ACCEPT`;
  return `Is a firewall blocking it? e.g. on ${target.name}: sudo ufw allow ${range}/tcp — or a cloud security group, or a switch ACL between the nodes.`;
}

function explain(o: ProbeOutcome): string {
  switch (o.kind) {
    case 'timeout':
      return 'timed out: something drops the packets';
    case 'refused':
      return 'connection refused while a test listener was up: something rejects it';
    case 'error':
      return o.detail;
    default:
      return '';
  }
}

/**
 * One check per listener node and port, about that node: passes when every prober got through,
 * fails naming each node that did not ("worker-1 cannot reach cp-1:6443 (timed out…)").
 */
export function evaluateReachability(
  nodes: readonly PreflightNode[],
  facts: ReadonlyMap<string, NodeFacts | null>,
  probes: readonly ReachProbe[],
  outcomes: ReadonlyMap<string, ProbeOutcome>,
): PreflightCheck[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const groups = new Map<string, ReachProbe[]>();
  for (const p of probes) groups.set(`${p.to}:${p.port}`, [...(groups.get(`${p.to}:${p.port}`) ?? []), p]);
  const checks: PreflightCheck[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    const target = first ? byId.get(first.to) : undefined;
    if (!first || !target) continue;
    const { port } = first;
    const name = (id: string) => byId.get(id)?.name ?? id;
    const results = group.map((p) => ({ from: name(p.from), outcome: outcomes.get(probeKey(p)) ?? { kind: 'not-checked' as const, reason: 'the probe did not run' } }));
    const failed = results.filter((r) => !['ok', 'not-checked'].includes(r.outcome.kind));
    const unchecked = results.filter((r) => r.outcome.kind === 'not-checked');
    const reached = results.filter((r) => r.outcome.kind === 'ok');
    const id = `port-reachable:${port}`;
    const title = `Port ${port} reachable`;
    const where = `${target.name}:${port}`;
    const notes = [
      ...failed.map((r) => `${r.from} cannot reach ${where} (${explain(r.outcome)})`),
      ...unchecked.map((r) => `not checked from ${r.from}: ${r.outcome.kind === 'not-checked' ? r.outcome.reason : ''}`),
    ];
    if (reached.length > 0) notes.push(`reachable from ${listing(reached.map((r) => r.from))}`);
    const message = notes.join('; ');
    if (failed.length > 0) {
      checks.push(check(id, target.id, title, 'fail', `${message[0]?.toUpperCase() ?? ''}${message.slice(1)}. The nodes need it for ${portWhat(port)}`,
        firewallFix(target, facts.get(target.id) ?? null, port)));
    } else if (unchecked.length > 0) {
      checks.push(check(id, target.id, title, 'warn', `${message[0]?.toUpperCase() ?? ''}${message.slice(1)}`,
        `Make sure the other nodes can open TCP connections to ${where} (${portWhat(port)}).`));
    } else {
      checks.push(check(id, target.id, title, 'pass', `Reachable from ${listing(reached.map((r) => r.from))}`));
    }
  }
  return checks;
}

/** This computer to a control plane's API server: kubectl and the status page need it, the bootstrap does not. */
export function checkApiFromHere(target: PreflightNode, facts: NodeFacts | null, outcome: ProbeOutcome): PreflightCheck {
  const id = 'port-reachable:6443:this-computer';
  const title = 'API server reachable from this computer';
  const where = `${target.name}:6443`;
  if (outcome.kind === 'ok') return check(id, target.id, title, 'pass', `This computer reaches ${where}`);
  if (outcome.kind === 'not-checked') {
    return check(id, target.id, title, 'warn', `Not checked: ${outcome.reason}`, `Make sure this computer can open TCP connections to ${where}: kubectl and the status page use it.`);
  }
  return check(id, target.id, title, 'warn',
    `This computer cannot reach ${where} (${explain(outcome)}): the cluster can still be built, but kubectl here and Rackpilot's status page will not work`,
    firewallFix(target, facts, 6443));
}
