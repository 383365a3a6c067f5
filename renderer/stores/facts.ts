/**
 * Node facts (`nodes.facts`), fetched when a node's Facts tab opens and again whenever a facts job
 * for that node succeeds (on demand, or the automatic one on first SSH contact).
 */
import { create } from 'zustand';
import type { NodeFacts } from '../../shared/domain/facts';
import { errorMessage, rpc } from '../rpc/api';

export interface FactsEntry {
  facts: NodeFacts | null;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
}

interface FactsStore {
  byNode: Record<string, FactsEntry>;
}

export const useFacts = create<FactsStore>()(() => ({ byNode: {} }));

const set = (nodeId: string, entry: Partial<FactsEntry>) =>
  useFacts.setState((s) => ({
    byNode: { ...s.byNode, [nodeId]: { facts: null, status: 'loading', error: null, ...s.byNode[nodeId], ...entry } },
  }));

export async function loadFacts(nodeId: string): Promise<void> {
  // Keep showing what is there while it refreshes.
  set(nodeId, useFacts.getState().byNode[nodeId]?.status === 'ready' ? {} : { status: 'loading' });
  try {
    set(nodeId, { facts: await rpc().call('nodes.facts', { id: nodeId }), status: 'ready', error: null });
  } catch (err) {
    set(nodeId, { status: 'error', error: errorMessage(err) });
  }
}
