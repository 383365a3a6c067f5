/** A container's published ports: TCP ones link to http://<node>:<port> in a new tab. */
import type { PortLink } from '../../../shared/domain/stack';
import { portLabel, uniquePorts } from './stack-format';

export function PortLinks({ ports }: { ports: readonly PortLink[] }) {
  const list = uniquePorts(ports);
  if (list.length === 0) return <span className="muted">—</span>;
  return (
    <span className="stack-ports">
      {list.map((p) =>
        p.url ? (
          <a key={`${p.hostPort}/${p.protocol}`} href={p.url} target="_blank" rel="noreferrer noopener" className="mono" title={`Open ${p.url} in a new tab`}>
            {portLabel(p)}
          </a>
        ) : (
          <span key={`${p.hostPort}/${p.protocol}`} className="mono">
            {portLabel(p)}
          </span>
        ),
      )}
    </span>
  );
}
