/**
 * Reads a stack's logs with the long-lived `stacks.logs`: batches of lines arrive as progress
 * until the call is cancelled (following) or the tail has been sent (not following). The caller
 * mounts the view that uses this only while the Logs tab is shown, and remounts it when the
 * options change: unmounting aborts the call, which stops the stream on the node.
 */
import { useEffect, useState } from 'react';
import type { StackLogLine } from '../../../shared/domain/stack';
import { errorMessage, rpc } from '../../rpc/api';
import { appendInTimeOrder } from './log-search';

export interface LogOptions {
  service: string | null;
  tail: number;
  timestamps: boolean;
  follow: boolean;
}

export type LogStatus = 'reading' | 'following' | 'ended' | 'error';

/** Enough to search a busy service's recent past without the tab growing without bound. */
const MAX_LINES = 10_000;

export function useStackLogs(nodeId: string, name: string, options: LogOptions) {
  const { service, tail, timestamps, follow } = options;
  const [lines, setLines] = useState<StackLogLine[]>([]);
  const [status, setStatus] = useState<LogStatus>(follow ? 'following' : 'reading');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    rpc()
      .call('stacks.logs', { nodeId, name, ...(service ? { service } : {}), tail, timestamps, follow }, { signal: controller.signal, onProgress: (batch) => setLines((l) => appendInTimeOrder(l, batch, MAX_LINES)) })
      .then(
        () => !controller.signal.aborted && setStatus('ended'),
        (err: unknown) => {
          if (controller.signal.aborted) return;
          setError(errorMessage(err));
          setStatus('error');
        },
      );
    return () => controller.abort();
  }, [nodeId, name, service, tail, timestamps, follow]);

  return { lines, status, error };
}
