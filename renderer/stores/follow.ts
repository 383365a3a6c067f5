/**
 * For stores that follow a pushed channel only once some view needs it (SSH status, recipe
 * steps): subscribing lazily keeps start-up lean, and these helpers give such a store what
 * live.ts gives the start-up lists — one subscription, and a refetch after a reconnect.
 */
import type { EventChannel, Events } from '../../shared/contract';
import { rpc } from '../rpc/api';
import { useConnection } from './connection';

const subscribed = new Set<string>();

/** Subscribes `listener` to `channel` once per key, however often it is asked. */
export function subscribeOnce<C extends EventChannel>(key: string, channel: C, listener: (data: Events[C]) => void): void {
  if (subscribed.has(key)) return;
  subscribed.add(key);
  rpc().subscribe(channel, listener);
}

/** Calls `cb` each time the connection to the core comes back after dropping (events may have been missed). */
export function onReconnected(cb: () => void): () => void {
  return useConnection.subscribe((s, prev) => {
    if (s.state === 'open' && prev.state === 'reconnecting') cb();
  });
}
