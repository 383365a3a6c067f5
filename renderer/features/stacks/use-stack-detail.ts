/** One stack's details (`stacks.get`), fetched again whenever `stacks.changed` names it or the caller asks. */
import { useEffect, useState } from 'react';
import type { StackDetail } from '../../../shared/domain/stack';
import { errorMessage, rpc } from '../../rpc/api';
import { stackKey, useStacks } from '../../stores/stacks';

export function useStackDetail(nodeId: string, name: string) {
  const [detail, setDetail] = useState<StackDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);
  const revision = useStacks((s) => s.revisions[stackKey(nodeId, name)] ?? 0);

  useEffect(() => {
    let live = true;
    rpc()
      .call('stacks.get', { nodeId, name })
      .then(
        (d) => {
          if (!live) return;
          setDetail(d);
          setError(null);
        },
        (err: unknown) => live && setError(errorMessage(err)),
      );
    return () => {
      live = false;
    };
  }, [nodeId, name, revision, asked]);

  return { detail, error, reload: () => setAsked((n) => n + 1), setDetail };
}
