/**
 * The node's pinned SSH host keys, and for nodes added by hand the scan → compare → accept flow:
 * the key the node presents is shown with its SHA256 fingerprint (as OpenSSH prints it) and is
 * pinned only when the user accepts that exact fingerprint. A mismatch is shown loudly, with both
 * fingerprints, and can only be resolved through an explicit danger confirmation.
 */
import { useState } from 'react';
import type { HostKeyScan } from '../../../shared/contract';
import type { HostKey, Node } from '../../../shared/domain/node';
import { RackpilotError } from '../../../shared/errors';
import { errorMessage, rpc } from '../../rpc/api';
import { onNodesChanged } from '../../stores/nodes';
import { fingerprintCommand, fingerprintSentence, keyTypeLabel } from './host-key-format';
import { ReplaceHostKeyDialog } from './ReplaceHostKeyDialog';

type ScanState = { state: 'idle' } | { state: 'scanning' } | { state: 'done'; scan: HostKeyScan } | { state: 'error'; message: string };

export function HostKeys({ node }: { node: Node }) {
  const [scan, setScan] = useState<ScanState>({ state: 'idle' });
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [acceptError, setAcceptError] = useState<string | null>(null);
  const [replacing, setReplacing] = useState(false);

  const runScan = async () => {
    setScan({ state: 'scanning' });
    setNotice(null);
    setAcceptError(null);
    try {
      setScan({ state: 'done', scan: await rpc().call('nodes.scanHostKey', { id: node.id }) });
    } catch (err) {
      setScan({ state: 'error', message: errorMessage(err) });
    }
  };

  /** Pins the key; throws for the dialog to show. A key that changed since the scan is shown anew. */
  const accept = async (fingerprint: string) => {
    try {
      const updated = await rpc().call('nodes.acceptHostKey', { id: node.id, fingerprint });
      onNodesChanged({ op: 'upsert', node: updated });
      const pinned = updated.hostKeys.find((k) => k.fingerprint === fingerprint);
      setScan(pinned ? { state: 'done', scan: { presented: pinned, pinned: updated.hostKeys, match: 'pinned' } } : { state: 'idle' });
      setNotice(`Pinned: ${pinned ? fingerprintSentence(pinned) : fingerprint}`);
    } catch (err) {
      const presented = err instanceof RackpilotError ? (err.details as { presented?: HostKey } | undefined)?.presented : undefined;
      if (presented) setScan({ state: 'done', scan: { presented, pinned: node.hostKeys, match: node.hostKeys.length === 0 ? 'unknown' : 'mismatch' } });
      throw err;
    }
  };

  const acceptUnknown = async (fingerprint: string) => {
    setBusy(true);
    setAcceptError(null);
    try {
      await accept(fingerprint);
    } catch (err) {
      setAcceptError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const titleId = `host-keys-title-${node.id}`;
  const result = scan.state === 'done' ? scan.scan : null;
  return (
    <section aria-labelledby={titleId} className="detail-section">
      <h3 id={titleId}>SSH host key</h3>
      {node.hostKeys.length === 0 ? (
        <div className="hostkey-none">
          <p>
            <span className="badge badge-warn" data-testid="hostkey-state">
              Host key not pinned
            </span>
          </p>
          <p className="muted">
            Rackpilot connects only to nodes whose host key it has pinned. Nodes it installs pin theirs from the installer's
            phone-home; for a node added by hand, scan its key and compare the fingerprint with the one on its console.
          </p>
        </div>
      ) : (
        <ul className="host-keys" aria-label="Pinned SSH host keys">
          {node.hostKeys.map((k) => (
            <li key={`${k.type}-${k.fingerprint}`}>
              <span className="mono host-key-type">{k.type}</span> <span className="mono host-key-fp">{k.fingerprint}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="detail-actions">
        <button type="button" className="btn btn-small" onClick={runScan} disabled={scan.state === 'scanning' || !node.address}>
          {scan.state === 'scanning' ? 'Scanning…' : 'Scan host key'}
        </button>
      </div>
      {notice && (
        <p className="hostkey-ok" role="status">
          {notice}
        </p>
      )}
      {scan.state === 'error' && (
        <p className="field-error" role="alert">
          Could not read the node's host key: {scan.message}
        </p>
      )}
      {result?.match === 'unknown' && (
        <div className="hostkey-scan" data-testid="hostkey-scan">
          <p>
            {node.name} presents this host key. Accept it only if the node's console shows the same fingerprint:
          </p>
          <p className="mono fingerprint" data-testid="presented-fingerprint">
            {fingerprintSentence(result.presented)}
          </p>
          <p className="muted">
            On the node: <code className="mono">{fingerprintCommand(result.presented.type)}</code>
          </p>
          {acceptError && (
            <p className="field-error" role="alert">
              {acceptError}
            </p>
          )}
          <div className="detail-actions">
            <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => acceptUnknown(result.presented.fingerprint)}>
              {busy ? 'Pinning…' : 'Accept and pin this key'}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setScan({ state: 'idle' })}>
              Dismiss
            </button>
          </div>
        </div>
      )}
      {result?.match === 'pinned' && !notice && (
        <p className="hostkey-ok" role="status">
          The node presents its pinned key ({keyTypeLabel(result.presented.type)} {result.presented.fingerprint}).
        </p>
      )}
      {result?.match === 'mismatch' && (
        <div className="danger-callout hostkey-mismatch" role="alert" data-testid="hostkey-mismatch">
          <p>
            <strong>Warning: {node.name} presents a different host key than the one pinned.</strong> Rackpilot refuses to connect.
          </p>
          <dl className="key-compare">
            <dt>Pinned</dt>
            <dd>
              {result.pinned.map((k) => (
                <span key={k.fingerprint} className="mono fingerprint fingerprint-old">
                  {keyTypeLabel(k.type)} {k.fingerprint}
                </span>
              ))}
            </dd>
            <dt>Presented now</dt>
            <dd>
              <span className="mono fingerprint fingerprint-new">
                {keyTypeLabel(result.presented.type)} {result.presented.fingerprint}
              </span>
            </dd>
          </dl>
          <p>
            Either the node was rebuilt or reinstalled outside Rackpilot (new host keys), or someone is intercepting the
            connection (a man-in-the-middle). Check the fingerprint on the node's own console before you trust it.
          </p>
          <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => setReplacing(true)}>
            Replace the pinned key…
          </button>
        </div>
      )}
      {replacing && result?.match === 'mismatch' && <ReplaceHostKeyDialog node={node} scan={result} onReplace={accept} onClose={() => setReplacing(false)} />}
    </section>
  );
}
