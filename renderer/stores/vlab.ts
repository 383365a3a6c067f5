/**
 * The practice rack: `vlab.status` (QEMU, accelerator, network mode, the virtual nodes) fetched
 * when the Practice rack page first opens, then kept live from `vlab.changed`. Followed lazily so
 * the start-up path does not pay for a page most sessions never open; reloaded after a reconnect.
 */
import { create } from 'zustand';
import type { Events } from '../../shared/contract';
import type { VirtualNode, VlabStatus } from '../../shared/domain/vlab';
import { errorMessage, rpc } from '../rpc/api';
import { useConnection } from './connection';

interface VlabStore {
  status: VlabStatus | null;
  state: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
}

export const useVlab = create<VlabStore>()(() => ({ status: null, state: 'idle', error: null }));

/** Applies one `vlab.changed` event to the node list (pure; exported for tests). */
export function applyVlabChange(nodes: VirtualNode[], change: Events['vlab.changed']): VirtualNode[] {
  if (change.op === 'remove') return nodes.some((n) => n.id === change.id) ? nodes.filter((n) => n.id !== change.id) : nodes;
  const at = nodes.findIndex((n) => n.id === change.node.id);
  if (at === -1) return [...nodes, change.node];
  const next = nodes.slice();
  next[at] = change.node;
  return next;
}

/** Puts a node the caller just got back from the core into the list (the event may come later). */
export function upsertVirtualNode(node: VirtualNode): void {
  onVlabChanged({ op: 'upsert', node });
}

export function onVlabChanged(change: Events['vlab.changed']): void {
  useVlab.setState((s) => (s.status ? { status: { ...s.status, nodes: applyVlabChange(s.status.nodes, change) } } : s));
}

let followed = false;

/** Loads the status and keeps it live; safe to call on every page visit. */
export function followVlab(): void {
  if (followed) {
    void loadVlab();
    return;
  }
  followed = true;
  rpc().subscribe('vlab.changed', onVlabChanged);
  // Events may have been missed while the connection was down: fetch again when it is back.
  useConnection.subscribe((s, prev) => {
    if (s.state === 'open' && prev.state !== 'open') void loadVlab();
  });
  void loadVlab();
}

export async function loadVlab(): Promise<void> {
  useVlab.setState((s) => ({ state: s.status ? s.state : 'loading' }));
  try {
    useVlab.setState({ status: await rpc().call('vlab.status', {}), state: 'ready', error: null });
  } catch (err) {
    useVlab.setState({ state: 'error', error: errorMessage(err) });
  }
}
