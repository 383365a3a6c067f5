// Tests renderer/stores/vlab.ts (kept here: this feature owns that store).
import { describe, expect, it } from 'vitest';
import type { VirtualNode } from '../../../shared/domain/vlab';
import { applyVlabChange } from '../../stores/vlab';

const vm = (id: string, state: VirtualNode['state'] = 'stopped'): VirtualNode => ({
  id,
  name: `vnode-${id}`,
  mac: '52:54:00:00:00:01',
  nodeId: `n-${id}`,
  firmware: 'bios',
  memoryMb: 256,
  cpus: 1,
  diskGb: 1,
  network: 'rootless',
  sshPort: 2222,
  peer: null,
  state,
  lastError: null,
  pid: null,
  accelerator: null,
  startedAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

describe('applyVlabChange', () => {
  it('adds a new node at the end and replaces a known one in place', () => {
    const list = [vm('a'), vm('b')];
    expect(applyVlabChange(list, { op: 'upsert', node: vm('c') }).map((n) => n.id)).toEqual(['a', 'b', 'c']);
    const next = applyVlabChange(list, { op: 'upsert', node: vm('a', 'running') });
    expect(next.map((n) => [n.id, n.state])).toEqual([['a', 'running'], ['b', 'stopped']]);
    expect(list[0]?.state).toBe('stopped');
  });

  it('removes a node, and leaves the list as it is for one it does not know', () => {
    const list = [vm('a'), vm('b')];
    expect(applyVlabChange(list, { op: 'remove', id: 'a' }).map((n) => n.id)).toEqual(['b']);
    expect(applyVlabChange(list, { op: 'remove', id: 'zz' })).toBe(list);
  });
});
