/** Rackpilot's own public key, for nodes added by hand: it goes into the node's authorized_keys. */
import { useEffect } from 'react';
import type { Node } from '../../../shared/domain/node';
import { CopyButton } from '../../components/CopyButton';
import { loadPublicKey, useSshStatus } from '../../stores/ssh-status';

export function PublicKey({ node }: { node: Node }) {
  const pk = useSshStatus((s) => s.publicKey);
  useEffect(() => {
    void loadPublicKey();
  }, []);

  const titleId = `public-key-title-${node.id}`;
  return (
    <section aria-labelledby={titleId} className="detail-section">
      <h3 id={titleId}>Rackpilot's public key</h3>
      {pk.status === 'error' && <p className="field-error">Could not load the key: {pk.error}</p>}
      {pk.status === 'ready' && !pk.key && <p className="muted">Rackpilot uses the keys of your SSH agent; it has no key of its own to show.</p>}
      {pk.key && (
        <>
          <p className="muted">
            For a node added by hand: add this to the node's ~/.ssh/authorized_keys (of user <span className="mono">{node.sshUser}</span>).
            Nodes Rackpilot installs get it from cloud-init.
          </p>
          <div className="pubkey">
            <code className="mono pubkey-line" data-testid="public-key">
              {pk.key.authorizedKey}
            </code>
            <CopyButton text={pk.key.authorizedKey} label="Copy Rackpilot's public key" />
          </div>
          <p className="muted mono pubkey-fp">{pk.key.fingerprint}</p>
        </>
      )}
    </section>
  );
}
