/**
 * Counts packets dropped as malformed and logs them at most once per interval, so a flood of
 * garbage on port 67 cannot flood the log too.
 */
import type { Logger } from '../../log';

export interface DropCounter {
  drop(reason: string, from: string): void;
  readonly dropped: number;
}

export function createDropCounter(log: Logger, what: string, intervalMs = 10_000): DropCounter {
  let dropped = 0;
  let sinceLog = 0;
  let lastLog = -Infinity;
  return {
    drop(reason, from) {
      dropped++;
      sinceLog++;
      const now = Date.now();
      if (now - lastLog < intervalMs) return;
      log.warn(`${what}: dropped malformed packet`, { reason, from, droppedSinceLastReport: sinceLog, droppedTotal: dropped });
      lastLog = now;
      sinceLog = 0;
    },
    get dropped() {
      return dropped;
    },
  };
}
