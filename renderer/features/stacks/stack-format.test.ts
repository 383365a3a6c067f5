import { describe, expect, it } from 'vitest';
import type { PortLink, StackContainer, StackSummary } from '../../../shared/domain/stack';
import { createdByLabel, formatBytes, parseStackItem, servicesLine, stackItem, stackPorts, targetLabel, worstHealth } from './stack-format';

const port = (hostPort: number, protocol: 'tcp' | 'udp' = 'tcp', hostIp = '0.0.0.0'): PortLink => ({
  hostIp,
  hostPort,
  containerPort: 80,
  protocol,
  url: protocol === 'tcp' ? `http://127.0.0.1:${hostPort}` : null,
});

const container = (over: Partial<StackContainer>): StackContainer => ({
  id: 'c1',
  name: 'site-web-1',
  service: 'web',
  number: 1,
  state: 'running',
  status: 'Up 1 minute',
  health: 'none',
  image: 'nginx',
  ports: [],
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});

const summary = (services: StackSummary['services']): StackSummary => ({ nodeId: 'local', name: 'site', stored: true, createdBy: 'rackpilot', state: 'running', services, appliedVersion: 1 });

describe('stack routes', () => {
  it('reads a target alone or a target and a stack', () => {
    expect(parseStackItem(null)).toBeNull();
    expect(parseStackItem('local')).toEqual({ nodeId: 'local', name: null });
    expect(parseStackItem('local/site')).toEqual({ nodeId: 'local', name: 'site' });
    expect(parseStackItem(stackItem('1b2c-uuid', 'web_2'))).toEqual({ nodeId: '1b2c-uuid', name: 'web_2' });
  });
  it('names this computer and nodes, and falls back to the id of an unknown node', () => {
    const nodes = [{ id: 'n1', name: 'r720-01' }];
    expect(targetLabel('local', nodes)).toBe('This computer');
    expect(targetLabel('n1', nodes)).toBe('r720-01');
    expect(targetLabel('gone', nodes)).toBe('gone');
  });
});

describe('stack summary', () => {
  it('lists each published port once (IPv4 and IPv6 bindings), in port order', () => {
    const s = summary([
      { name: 'web', containers: [container({ ports: [port(8080), port(8080, 'tcp', '::'), port(53, 'udp')] })] },
      { name: 'api', containers: [container({ id: 'c2', ports: [port(3000)] })] },
    ]);
    expect(stackPorts(s).map((p) => `${p.hostPort}/${p.protocol}`)).toEqual(['53/udp', '3000/tcp', '8080/tcp']);
  });
  it('takes the worst health of a service', () => {
    expect(worstHealth([])).toBe('none');
    expect(worstHealth([{ health: 'healthy' }, { health: 'none' }])).toBe('healthy');
    expect(worstHealth([{ health: 'healthy' }, { health: 'starting' }])).toBe('starting');
    expect(worstHealth([{ health: 'starting' }, { health: 'unhealthy' }])).toBe('unhealthy');
  });
  it('counts running containers per service', () => {
    const s = summary([
      { name: 'web', containers: [container({}), container({ id: 'c3', state: 'exited' })] },
      { name: 'db', containers: [] },
    ]);
    expect(servicesLine(s)).toBe('web 1/2, db 0/0');
  });
  it('says who made the stack', () => {
    expect(createdByLabel({ createdBy: 'docker-compose', stored: false })).toBe('docker compose');
    expect(createdByLabel({ createdBy: null, stored: true })).toBe('Rackpilot (not deployed)');
  });
  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
  });
});
