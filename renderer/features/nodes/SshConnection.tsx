/** The node's pooled SSH connection as the core reports it (`ssh.status`), with the last error. */
import { useEffect } from 'react';
import type { Node } from '../../../shared/domain/node';
import type { SshConnectionState } from '../../../shared/domain/ssh';
import { followSshStatus, useSshStatus } from '../../stores/ssh-status';
import { formatTime } from '../activity/format';

const STATE_LABEL: Record<SshConnectionState, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  failed: 'Connection failed',
};

export function SshConnection({ node }: { node: Node }) {
  const status = useSshStatus((s) => s.byNode[node.id]);
  const loadError = useSshStatus((s) => s.error);
  useEffect(followSshStatus, []);

  const titleId = `ssh-title-${node.id}`;
  return (
    <section aria-labelledby={titleId} className="detail-section">
      <h3 id={titleId}>SSH connection</h3>
      <p className="ssh-line">
        <span className={`badge ssh-state ssh-${status?.state ?? 'none'}`} data-testid="ssh-state">
          {status ? STATE_LABEL[status.state] : 'Not contacted yet'}
        </span>{' '}
        <span className="mono">
          {node.sshUser}@{node.address || '…'}:{node.sshPort}
        </span>
        {status && <span className="muted ssh-since"> since {formatTime(status.since)}</span>}
      </p>
      {!node.address && <p className="muted">Rackpilot cannot connect before the node has an address: edit the node and enter its IP address or host name.</p>}
      {status && status.attempts > 1 && (
        <p className="muted">
          {status.attempts} attempts failed in a row{status.state === 'connecting' ? '; trying again with a growing delay.' : '.'}
        </p>
      )}
      {status?.lastError && (
        <div className={`ssh-error${status.state === 'connected' ? ' ssh-error-old' : ''}`} data-testid="ssh-error">
          <p>
            {status.state === 'connected' ? 'Last error (before it connected): ' : ''}
            {status.lastError.message}
          </p>
          <p className="mono ssh-error-code">{status.lastError.code}</p>
        </div>
      )}
      {loadError && <p className="field-error">Could not load the connection states: {loadError}</p>}
    </section>
  );
}
