import { describe, expect, it } from 'vitest';
import type { KubeNode } from '../remote';
import { initNodeOf, teardownOrder } from './order';

const node = (name: string, role: KubeNode['role'], init = false): KubeNode => ({
  id: `id-${name}`,
  name,
  address: '192.0.2.1',
  role,
  init,
  target: { nodeId: `id-${name}`, name, address: '192.0.2.1', port: 22, user: 'ops', hostKeys: [] },
});

describe('teardown order', () => {
  it('takes workers first, then the other control planes, the init node last', () => {
    const nodes = [node('cp-2', 'control-plane'), node('w-1', 'worker'), node('cp-1', 'control-plane', true), node('w-2', 'worker'), node('cp-3', 'control-plane')];
    expect(teardownOrder(nodes).map((n) => n.name)).toEqual(['w-1', 'w-2', 'cp-2', 'cp-3', 'cp-1']);
  });

  it('falls back to the first control plane when no node is marked init, and refuses a cluster without one', () => {
    expect(initNodeOf([node('w', 'worker'), node('cp', 'control-plane')]).name).toBe('cp');
    expect(() => initNodeOf([node('w', 'worker')])).toThrow(/no control-plane node/);
  });
});
