/** Which Docker Engine the page talks to and how (local socket, SSH stream forwarding, dial-stdio). */
import { useEffect, useState } from 'react';
import type { EngineInfo, EngineTransport } from '../../../shared/domain/stack';
import { rpc } from '../../rpc/api';

const TRANSPORT: Record<EngineTransport, string> = {
  'local-socket': 'the local socket',
  'stream-local': 'SSH (stream forwarding)',
  'dial-stdio': 'SSH (docker system dial-stdio)',
};

export function EngineLine({ nodeId }: { nodeId: string }) {
  const [info, setInfo] = useState<{ nodeId: string; engine: EngineInfo } | null>(null);
  useEffect(() => {
    let live = true;
    // The stack list reports an unreachable engine; this line only adds what it is when reachable.
    rpc()
      .call('stacks.engine', { nodeId })
      .then(
        (engine) => live && setInfo({ nodeId, engine }),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [nodeId]);
  if (!info || info.nodeId !== nodeId) return null;
  return (
    <span className="muted" data-testid="stack-engine">
      Docker {info.engine.serverVersion} (API {info.engine.apiVersion}) through {TRANSPORT[info.engine.transport]}
    </span>
  );
}
