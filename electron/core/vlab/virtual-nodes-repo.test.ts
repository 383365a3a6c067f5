/** Migration 5 and its repo: round trip, the inventory link cleared (not cascaded), uniqueness. */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { VirtualNode } from '../../../shared/domain/vlab';
import { openStore, type Db } from '../store/database';
import { NodesRepo } from '../store/nodes-repo';
import { tempDir } from '../testing/temp-app';
import { VirtualNodesRepo } from './virtual-nodes-repo';

let db: Db | undefined;
let dir = '';
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const now = '2026-11-23T00:00:00.000Z';
function vm(over: Partial<VirtualNode> = {}): VirtualNode {
  return {
    id: 'vm-1', name: 'vnode-01', mac: '52:54:00:00:00:01', nodeId: 'n1', firmware: 'uefi', memoryMb: 2048, cpus: 2, diskGb: 20,
    network: 'rootless', sshPort: 40022, peer: { mac: '52:54:00:00:00:02', address: '10.77.0.11' }, state: 'failed',
    lastError: { code: 'E_QEMU_FAILED', message: 'boom' }, pid: null, accelerator: 'tcg', startedAt: null, createdAt: now, updatedAt: now,
    ...over,
  };
}

function open(): { repo: VirtualNodesRepo; nodes: NodesRepo } {
  dir = tempDir();
  db = openStore(dir).db;
  const nodes = new NodesRepo(db);
  nodes.insert({
    id: 'n1', name: 'vnode-01', mac: '52:54:00:00:00:01', address: '127.0.0.1', sshUser: 'rackpilot', sshPort: 40022, role: 'unassigned',
    tags: ['virtual'], notes: '', state: 'ready', netboot: false, profileId: null, hostKeys: [], firmware: 'unknown', createdAt: now, updatedAt: now,
  });
  return { repo: new VirtualNodesRepo(db), nodes };
}

describe('virtual nodes in the store', () => {
  it('stores and reads back every field', () => {
    const { repo } = open();
    repo.insert(vm());
    expect(repo.get('vm-1')).toEqual(vm());
    expect(repo.findByMac('52:54:00:00:00:01')?.id).toBe('vm-1');
    expect(repo.findByNode('n1')?.id).toBe('vm-1');
    repo.update({ ...vm(), state: 'running', lastError: null, pid: 1234, peer: null });
    expect(repo.get('vm-1')).toMatchObject({ state: 'running', lastError: null, pid: 1234, peer: null });
  });

  it('keeps the VM when its inventory node is removed, with the link cleared', () => {
    const { repo, nodes } = open();
    repo.insert(vm());
    nodes.remove('n1');
    expect(repo.get('vm-1')?.nodeId).toBeNull();
  });

  it('refuses a second VM with the same MAC or name, and states outside the lifecycle', () => {
    const { repo } = open();
    repo.insert(vm());
    expect(() => repo.insert(vm({ id: 'vm-2', name: 'other' }))).toThrow(/UNIQUE/);
    expect(() => repo.insert(vm({ id: 'vm-2', mac: '52:54:00:00:00:09', name: 'VNODE-01' }))).toThrow(/UNIQUE/);
    expect(() => repo.insert(vm({ id: 'vm-3', mac: '52:54:00:00:00:0a', name: 'x', state: 'paused' as VirtualNode['state'] }))).toThrow(/CHECK/);
  });
});
