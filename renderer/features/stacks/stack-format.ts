/** How stacks read on the page: routes, target names, states, ports and health (pure). */
import type { ContainerHealth, PortLink, StackContainer, StackState, StackSummary } from '../../../shared/domain/stack';
import { LOCAL_ENGINE } from '../../../shared/domain/stack';

/** The item of `#/stacks/<item>`: a target alone, or `<target>/<stack name>` (names have no "/"). */
export function parseStackItem(item: string | null): { nodeId: string; name: string | null } | null {
  if (!item) return null;
  const slash = item.lastIndexOf('/');
  if (slash <= 0) return { nodeId: item, name: null };
  const name = item.slice(slash + 1);
  return { nodeId: item.slice(0, slash), name: name || null };
}

export function stackItem(nodeId: string, name?: string | null): string {
  return name ? `${nodeId}/${name}` : nodeId;
}

export const LOCAL_LABEL = 'This computer';

export function targetLabel(nodeId: string, nodes: readonly { id: string; name: string }[]): string {
  if (nodeId === LOCAL_ENGINE) return LOCAL_LABEL;
  return nodes.find((n) => n.id === nodeId)?.name ?? nodeId;
}

export const STATE_LABEL: Record<StackState, string> = {
  running: 'running',
  partial: 'partly running',
  stopped: 'stopped',
  'not-deployed': 'not deployed',
};

export const STATE_CLASS: Record<StackState, string> = {
  running: 'state-ready',
  partial: 'state-installing',
  stopped: 'stack-state-stopped',
  'not-deployed': 'stack-state-stopped',
};

export function createdByLabel(summary: Pick<StackSummary, 'createdBy' | 'stored'>): string {
  if (summary.createdBy === 'rackpilot') return 'Rackpilot';
  if (summary.createdBy === 'docker-compose') return 'docker compose';
  return summary.stored ? 'Rackpilot (not deployed)' : '—';
}

/** Every published port of the stack's containers, once each, in port order. */
export function stackPorts(summary: StackSummary): PortLink[] {
  return uniquePorts(summary.services.flatMap((s) => s.containers.flatMap((c) => c.ports)));
}

export function uniquePorts(ports: readonly PortLink[]): PortLink[] {
  const seen = new Map<string, PortLink>();
  for (const p of ports) {
    const key = `${p.hostPort}/${p.protocol}`;
    // IPv4 and IPv6 bindings of one port are one link.
    if (!seen.has(key)) seen.set(key, p);
  }
  return [...seen.values()].sort((a, b) => a.hostPort - b.hostPort || a.protocol.localeCompare(b.protocol));
}

export function portLabel(p: PortLink): string {
  return `${p.hostPort}→${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`;
}

/** The worst health among containers: one unhealthy container makes the service unhealthy. */
export function worstHealth(containers: readonly Pick<StackContainer, 'health'>[]): ContainerHealth {
  const order: ContainerHealth[] = ['unhealthy', 'starting', 'healthy'];
  for (const h of order) if (containers.some((c) => c.health === h)) return h;
  return 'none';
}

export const HEALTH_CLASS: Record<ContainerHealth, string> = {
  healthy: 'state-ready',
  unhealthy: 'state-failed',
  starting: 'state-installing',
  none: 'stack-state-stopped',
};

/** "web 1/1 running, db 0/1" — how many of each service's containers run. */
export function servicesLine(summary: StackSummary): string {
  if (summary.services.length === 0) return '—';
  return summary.services.map((s) => `${s.name} ${s.containers.filter((c) => c.state === 'running').length}/${s.containers.length}`).join(', ');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
