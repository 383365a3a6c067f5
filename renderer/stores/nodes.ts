/** The node inventory: loaded with `nodes.list`, kept live by `nodes.changed`. */
import { create } from 'zustand';
import type { Events } from '../../shared/contract';
import type { Node } from '../../shared/domain/node';
import { errorMessage, rpc } from '../rpc/api';
import { coalesce } from './coalesce';

export type NodeChange = Events['nodes.changed'];

interface NodesStore {
  nodes: Node[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
}

export const useNodes = create<NodesStore>()(() => ({ nodes: [], status: 'loading', error: null }));

/** Applies a batch of changes in one store update (pure; exported for tests). */
export function applyNodeChanges(nodes: Node[], changes: NodeChange[]): Node[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const c of changes) {
    if (c.op === 'upsert') byId.set(c.node.id, c.node);
    else byId.delete(c.id);
  }
  return [...byId.values()];
}

const pending = coalesce<NodeChange>((changes) =>
  useNodes.setState((s) => ({ nodes: applyNodeChanges(s.nodes, changes) })),
);

export function onNodesChanged(change: NodeChange): void {
  pending.push(change);
}

export async function loadNodes(): Promise<void> {
  pending.hold();
  try {
    const nodes = await rpc().call('nodes.list', {});
    useNodes.setState({ nodes, status: 'ready', error: null });
  } catch (err) {
    useNodes.setState({ status: 'error', error: errorMessage(err) });
  } finally {
    pending.release();
  }
}
