/**
 * A counting semaphore with a FIFO queue and abortable waits. Used to bound connection attempts
 * across nodes (fan-out) and session channels per connection (sshd's MaxSessions).
 */
import { abortError } from '../abort';

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (err: Error) => void;
}

export class Limiter {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private limit: number) {}

  get inUse(): number {
    return this.active;
  }

  get capacity(): number {
    return this.limit;
  }

  /** Lowers (or raises) the limit; holders above a lowered limit keep their slot until release. */
  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.drain();
  }

  /** Resolves with a release function once a slot is free; `front` jumps the queue. */
  acquire(signal?: AbortSignal, front = false): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (this.active < this.limit && this.queue.length === 0) return Promise.resolve(this.grant());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject,
      };
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (front) this.queue.unshift(waiter);
      else this.queue.push(waiter);
    });
  }

  /** Rejects every waiter (e.g. the connection closed). */
  rejectAll(err: Error): void {
    for (const w of this.queue.splice(0)) w.reject(err);
  }

  private grant(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.limit && this.queue.length > 0) this.queue.shift()?.resolve(this.grant());
  }
}
