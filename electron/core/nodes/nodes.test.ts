import { afterEach, describe, expect, it } from 'vitest';
import type { Events } from '../../../shared/contract';
import { createTempApp, type TempApp } from '../testing/temp-app';
import { rejection } from '../testing/rejection';

let t: TempApp;
afterEach(async () => t?.close());


describe('nodes inventory', () => {
  it('adds, lists, edits and removes nodes, auditing each change', async () => {
    t = createTempApp();
    const node = await t.client.call('nodes.create', { name: 'r720-01', mac: '52-54-00-AA-00-01', address: '192.168.1.21', tags: ['lab'] });
    expect(node).toMatchObject({ name: 'r720-01', mac: '52:54:00:aa:00:01', state: 'ready', sshUser: 'rackpilot' });

    const edited = await t.client.call('nodes.update', { id: node.id, changes: { role: 'worker', notes: 'slot 4' } });
    expect(edited).toMatchObject({ role: 'worker', notes: 'slot 4', address: '192.168.1.21', tags: ['lab'] });
    expect(await t.client.call('nodes.list', {})).toHaveLength(1);

    await t.client.call('nodes.remove', { id: node.id });
    expect(await t.client.call('nodes.list', {})).toEqual([]);
    const kinds = (await t.client.call('events.list', {})).map((e) => e.kind);
    expect(kinds).toEqual(['node.removed', 'node.updated', 'node.created']);
  });

  it('refuses a duplicate MAC in any format, naming the node that has it', async () => {
    t = createTempApp();
    await t.client.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:00:01' });
    const err = await rejection(t.client.call('nodes.create', { name: 'r720-02', mac: '5254.00AA.0001' }));
    expect(err.code).toBe('E_CONFLICT');
    expect(err.message).toContain('"r720-01"');
    expect(err.details).toEqual({ issues: [{ path: ['mac'], message: expect.stringContaining('52:54:00:aa:00:01') }] });
  });

  it('refuses a duplicate name regardless of case, and on edit too', async () => {
    t = createTempApp();
    await t.client.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:00:01' });
    const other = await t.client.call('nodes.create', { name: 'r720-02', mac: '52:54:00:aa:00:02' });
    expect((await rejection(t.client.call('nodes.create', { name: 'R720-01', mac: '52:54:00:aa:00:03' }))).code).toBe('E_CONFLICT');
    const err = await rejection(t.client.call('nodes.update', { id: other.id, changes: { name: 'r720-01' } }));
    expect(err.details).toMatchObject({ issues: [{ path: ['name'] }] });
  });

  it('validates before any handler runs and says which field is wrong', async () => {
    t = createTempApp();
    const err = await rejection(t.client.call('nodes.create', { name: 'ok', mac: '52:54:00:aa:00:01', address: '10.0.0.300' }));
    expect(err.code).toBe('E_VALIDATION');
    expect(err.message).toMatch(/address: "10.0.0.300" is not a valid IPv4 address/);
    const unknown = await rejection(t.client.call('nodes.create', { name: 'ok', mac: '52:54:00:aa:00:01', colour: 'red' } as never));
    expect(unknown.code).toBe('E_VALIDATION');
    expect(await t.client.call('nodes.list', {})).toEqual([]);
  });

  it('reports unknown ids as E_NOT_FOUND', async () => {
    t = createTempApp();
    expect((await rejection(t.client.call('nodes.get', { id: 'missing' }))).code).toBe('E_NOT_FOUND');
    expect((await rejection(t.client.call('nodes.remove', { id: 'missing' }))).code).toBe('E_NOT_FOUND');
  });

  it('imports many rows with progress, refusing bad rows one by one', async () => {
    t = createTempApp();
    const rows = Array.from({ length: 600 }, (_, i) => ({ name: `n${i}`, mac: `52:54:00:00:${hex(i >> 8)}:${hex(i & 255)}` }));
    rows[10] = { name: 'n10', mac: 'bad' };
    rows[20] = { name: 'n0', mac: '52:54:00:ff:ff:01' }; // name clash with row 0
    const progress: number[] = [];
    const result = await t.client.call('nodes.import', { nodes: rows }, { onProgress: (p) => progress.push(p.done) });
    expect(result.created).toHaveLength(598);
    expect(result.rejected.map((r) => r.index)).toEqual([10, 20]);
    expect(result.rejected[0]?.message).toMatch(/row 11: mac/);
    expect(progress).toEqual([250, 500, 600]);
  });

  it('pushes changes to every other connected client', async () => {
    t = createTempApp();
    const second = t.connect();
    const seen: Events['nodes.changed'][] = [];
    second.subscribe('nodes.changed', (e) => seen.push(e));
    const node = await t.client.call('nodes.create', { name: 'r720-01', mac: '52:54:00:aa:00:01' });
    await t.client.call('nodes.remove', { id: node.id });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([{ op: 'upsert', node }, { op: 'remove', id: node.id }]);
  });
});

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
