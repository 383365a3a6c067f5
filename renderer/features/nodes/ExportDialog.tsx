/**
 * Interop exports for the selected nodes: an ~/.ssh/config snippet (with known_hosts lines for the
 * pinned keys) or an Ansible inventory in INI or YAML — to copy, or to save as a file.
 */
import { useEffect, useId, useState } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { saveTextFile } from '../../components/clipboard';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { errorMessage, rpc } from '../../rpc/api';
import { nodesLabel, type BulkTarget } from './bulk-run';

export type ExportKind = 'ssh-config' | 'ansible';
type Format = 'ini' | 'yaml';

const FILE: Record<'ssh-config' | Format, string> = { 'ssh-config': 'rackpilot-ssh-config', ini: 'inventory.ini', yaml: 'inventory.yml' };

export function ExportDialog({ kind, nodes, onClose }: { kind: ExportKind; nodes: BulkTarget[]; onClose(): void }) {
  const [format, setFormat] = useState<Format>('ini');
  const [result, setResult] = useState<{ key: string; text: string | null; error: string | null } | null>(null);
  const id = useId();
  const key: 'ssh-config' | Format = kind === 'ansible' ? format : 'ssh-config';

  useEffect(() => {
    let live = true;
    const ids = nodes.map((n) => n.id);
    const request = kind === 'ansible' ? rpc().call('nodes.exportAnsibleInventory', { ids, format }) : rpc().call('nodes.exportSshConfig', { ids });
    request.then(
      (text) => live && setResult({ key, text, error: null }),
      (err: unknown) => live && setResult({ key, text: null, error: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [kind, format, nodes, key]);

  const current = result?.key === key ? result : null;
  const what = kind === 'ansible' ? `Ansible inventory (${format.toUpperCase()})` : 'SSH config';
  const fileName = FILE[key];
  return (
    <Dialog title={kind === 'ansible' ? `Ansible inventory for ${nodesLabel(nodes.length)}` : `SSH config for ${nodesLabel(nodes.length)}`} onClose={onClose} className="dialog-wide">
      {kind === 'ansible' && (
        <fieldset className="format-choice">
          <legend>Format</legend>
          {(['ini', 'yaml'] as const).map((f) => (
            <label key={f} className="check" htmlFor={`${id}-${f}`}>
              <input id={`${id}-${f}`} type="radio" name={`${id}-format`} value={f} checked={format === f} onChange={() => setFormat(f)} />
              <span>{f.toUpperCase()}</span>
            </label>
          ))}
        </fieldset>
      )}
      <p className="muted export-hint">
        {kind === 'ansible'
          ? 'Hosts grouped by role, with the address, user, port and Rackpilot’s key file. Nodes without an address are left out.'
          : 'Host blocks for ~/.ssh/config, then known_hosts lines for the pinned host keys. Nodes without an address are left out.'}
      </p>
      <FormError message={current?.error ?? null} />
      <textarea
        className="mono export-text"
        aria-label={what}
        readOnly
        rows={16}
        spellCheck={false}
        aria-busy={!current}
        value={current ? (current.text ?? '') : 'Loading…'}
      />
      <DialogActions onCancel={onClose} cancelLabel="Close">
        {current?.text != null && (
          <>
            <CopyButton text={current.text} label={`Copy the ${what}`} small={false} />
            <button type="button" className="btn" onClick={() => saveTextFile(fileName, current.text ?? '', kind === 'ansible' && format === 'yaml' ? 'application/yaml' : 'text/plain')}>
              Save as {fileName}…
            </button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}
