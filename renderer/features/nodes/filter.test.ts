import { describe, expect, it } from 'vitest';
import type { Node } from '../../../shared/domain/node';
import { allTags, EMPTY_FILTER, filterNodes, isFiltering, searchTextOf, sortNodes } from './filter';

function node(over: Partial<Node>): Node {
  return {
    id: over.name ?? 'x',
    name: 'x',
    mac: '52:54:00:00:00:01',
    address: '',
    sshUser: 'rackpilot',
    sshPort: 22,
    role: 'unassigned',
    tags: [],
    notes: '',
    state: 'ready',
    netboot: false,
    profileId: null,
    hostKeys: [],
    firmware: 'unknown',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

const nodes = [
  node({ name: 'web-10', mac: '52:54:00:00:00:0a', address: '10.0.0.10', role: 'worker', tags: ['rack-a'] }),
  node({ name: 'web-9', mac: '52:54:00:00:00:09', address: '10.0.0.9', role: 'worker', tags: ['rack-b'], notes: 'Noisy fan' }),
  node({ name: 'DB-1', mac: '52:54:00:00:00:01', address: 'db.lan', role: 'storage', tags: ['rack-a', 'ssd'], state: 'failed' }),
];

describe('filterNodes', () => {
  it('matches every word of the query against name, MAC, address, tags and notes, ignoring case', () => {
    expect(filterNodes(nodes, { ...EMPTY_FILTER, query: 'WEB' }).map((n) => n.name)).toEqual(['web-10', 'web-9']);
    expect(filterNodes(nodes, { ...EMPTY_FILTER, query: 'noisy' }).map((n) => n.name)).toEqual(['web-9']);
    expect(filterNodes(nodes, { ...EMPTY_FILTER, query: '00:0a' }).map((n) => n.name)).toEqual(['web-10']);
    expect(filterNodes(nodes, { ...EMPTY_FILTER, query: 'db.lan' }).map((n) => n.name)).toEqual(['DB-1']);
    expect(filterNodes(nodes, { ...EMPTY_FILTER, query: 'rack-a  web' }).map((n) => n.name)).toEqual(['web-10']);
  });

  it('combines the query with state, role and tag filters', () => {
    expect(filterNodes(nodes, { ...EMPTY_FILTER, state: 'failed' }).map((n) => n.name)).toEqual(['DB-1']);
    expect(filterNodes(nodes, { ...EMPTY_FILTER, role: 'worker', tag: 'rack-a' }).map((n) => n.name)).toEqual(['web-10']);
    expect(filterNodes(nodes, { ...EMPTY_FILTER, query: 'web', role: 'storage' })).toEqual([]);
  });

  it('computes a node’s search text once per node object', () => {
    const n = nodes[0]!;
    expect(searchTextOf(n)).toBe(searchTextOf(n));
    expect(searchTextOf(n)).toContain('rack-a');
  });

  it('knows when a filter is in effect', () => {
    expect(isFiltering(EMPTY_FILTER)).toBe(false);
    expect(isFiltering({ ...EMPTY_FILTER, query: '  ' })).toBe(false);
    expect(isFiltering({ ...EMPTY_FILTER, tag: 'ssd' })).toBe(true);
  });
});

describe('sortNodes', () => {
  it('sorts names naturally (web-9 before web-10) and case-insensitively, both ways', () => {
    expect(sortNodes([...nodes], { key: 'name', dir: 'asc' }).map((n) => n.name)).toEqual(['DB-1', 'web-9', 'web-10']);
    expect(sortNodes([...nodes], { key: 'name', dir: 'desc' }).map((n) => n.name)).toEqual(['web-10', 'web-9', 'DB-1']);
  });

  it('breaks ties by name', () => {
    expect(sortNodes([...nodes], { key: 'role', dir: 'asc' }).map((n) => n.name)).toEqual(['DB-1', 'web-9', 'web-10']);
  });
});

it('allTags lists each tag once, sorted', () => {
  expect(allTags(nodes)).toEqual(['rack-a', 'rack-b', 'ssd']);
});
