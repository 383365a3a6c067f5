/**
 * Filtering and sorting of the node table. Pure functions, cheap enough to run on every
 * keystroke over 2,000 nodes: each node's lower-case search text is computed once per node
 * object (nodes are immutable; an update brings a new object) and cached.
 */
import type { Node, NodeRole, NodeState } from '../../../shared/domain/node';

export type SortKey = 'name' | 'mac' | 'address' | 'state' | 'role' | 'tags' | 'sshUser';
export interface SortSpec {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export interface NodeFilter {
  query: string;
  state: NodeState | '';
  role: NodeRole | '';
  tag: string;
}

export const EMPTY_FILTER: NodeFilter = { query: '', state: '', role: '', tag: '' };

const searchText = new WeakMap<Node, string>();

export function searchTextOf(node: Node): string {
  let text = searchText.get(node);
  if (text === undefined) {
    text = [node.name, node.mac, node.address, node.tags.join(' '), node.notes].join('\n').toLowerCase();
    searchText.set(node, text);
  }
  return text;
}

export function isFiltering(f: NodeFilter): boolean {
  return f.query.trim() !== '' || f.state !== '' || f.role !== '' || f.tag !== '';
}

/** Every whitespace-separated word of the query must occur somewhere in the node's text. */
export function filterNodes(nodes: readonly Node[], f: NodeFilter): Node[] {
  const words = f.query.toLowerCase().split(/\s+/).filter(Boolean);
  return nodes.filter((n) => {
    if (f.state && n.state !== f.state) return false;
    if (f.role && n.role !== f.role) return false;
    if (f.tag && !n.tags.includes(f.tag)) return false;
    if (words.length === 0) return true;
    const text = searchTextOf(n);
    return words.every((w) => text.includes(w));
  });
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function sortValue(n: Node, key: SortKey): string {
  switch (key) {
    case 'tags':
      return n.tags.join(',');
    default:
      return String(n[key]);
  }
}

export function sortNodes(nodes: Node[], sort: SortSpec): Node[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return nodes.sort(
    (a, b) => sign * collator.compare(sortValue(a, sort.key), sortValue(b, sort.key)) || collator.compare(a.name, b.name),
  );
}

export function allTags(nodes: readonly Node[]): string[] {
  const tags = new Set<string>();
  for (const n of nodes) for (const t of n.tags) tags.add(t);
  return [...tags].sort(collator.compare);
}
