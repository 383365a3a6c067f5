/** In-process fan-out of pushed events to every connected client, typed by channel. */
import type { EventChannel, Events } from '../../../shared/contract';

export type EventListener = <C extends EventChannel>(channel: C, data: Events[C]) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  publish<C extends EventChannel>(channel: C, data: Events[C]): void {
    for (const listener of this.listeners) {
      try {
        listener(channel, data);
      } catch {
        // One broken connection must not stop the others from hearing about the change.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
