/** CPU and memory of a stack's containers, polled while the Services tab is visible (and only then). */
import { useEffect, useState } from 'react';
import type { ContainerStats } from '../../../shared/domain/stack';
import { errorMessage, rpc } from '../../rpc/api';

const POLL_MS = 3000;

export function useStats(nodeId: string, name: string, active: boolean): { stats: ContainerStats[] | null; error: string | null } {
  const [stats, setStats] = useState<ContainerStats[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!active) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One call at a time: the next starts after the previous answer, so a slow node is not piled on.
    const poll = async () => {
      try {
        const next = await rpc().call('stacks.stats', { nodeId, name });
        if (stopped) return;
        setStats(next);
        setError(null);
      } catch (err) {
        if (!stopped) setError(errorMessage(err));
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [nodeId, name, active]);
  return { stats, error };
}
