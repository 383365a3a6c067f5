/** The virtual nodes with their state and power controls; a name opens the node's boot panel. */
import { useState } from 'react';
import type { VirtualNode } from '../../../shared/domain/vlab';
import { errorMessage } from '../../rpc/api';
import { routeHref } from '../../router';
import { DestroyNodeDialog } from './DestroyNodeDialog';
import { powerVirtualNode, type PowerVerb } from './power';

export const VM_STATE_CLASS: Record<VirtualNode['state'], string> = {
  stopped: 'vm-state-stopped',
  starting: 'state-installing',
  running: 'state-ready',
  stopping: 'state-installing',
  failed: 'state-failed',
};

export function VirtualNodesTable({ nodes, selectedId, canStart }: { nodes: VirtualNode[]; selectedId: string | null; canStart: boolean }) {
  const [destroying, setDestroying] = useState<VirtualNode | null>(null);
  return (
    <div className="table-scroll rack-table-scroll">
      <table className="events rack-table" aria-label="Virtual nodes">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Firmware</th>
            <th scope="col">MAC</th>
            <th scope="col">SSH</th>
            <th scope="col">Inventory</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((vm) => (
            <VirtualNodeRow key={vm.id} vm={vm} selected={vm.id === selectedId} canStart={canStart} onDestroy={() => setDestroying(vm)} />
          ))}
        </tbody>
      </table>
      {destroying && <DestroyNodeDialog vm={destroying} onClose={() => setDestroying(null)} />}
    </div>
  );
}

function VirtualNodeRow({ vm, selected, canStart, onDestroy }: { vm: VirtualNode; selected: boolean; canStart: boolean; onDestroy: () => void }) {
  const [busy, setBusy] = useState<PowerVerb | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (verb: PowerVerb) => {
    setBusy(verb);
    setError(null);
    try {
      await powerVirtualNode(vm, verb);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };
  const off = vm.state === 'stopped' || vm.state === 'failed';
  const button = (verb: PowerVerb, label: string, disabled: boolean) => (
    <button type="button" className="btn btn-small" aria-label={`${label} ${vm.name}`} disabled={busy !== null || disabled} onClick={() => void act(verb)}>
      {busy === verb ? `${label}…` : label}
    </button>
  );
  return (
    <>
      <tr className={selected ? 'rack-row rack-row-selected' : 'rack-row'} data-testid="vm-row" data-vm={vm.name}>
        <th scope="row" className="td-name">
          <a className="node-link" href={routeHref('rack', vm.id)} aria-current={selected ? 'true' : undefined} title={`Show the boot of ${vm.name}`}>
            {vm.name}
          </a>
        </th>
        <td>
          <span className={`badge ${VM_STATE_CLASS[vm.state]}`} data-testid="vm-state">
            {vm.state}
          </span>
        </td>
        <td>
          {vm.firmware.toUpperCase()} · {vm.memoryMb} MiB · {vm.cpus} CPU
        </td>
        <td className="mono">{vm.mac}</td>
        <td className="mono">{vm.sshPort === null ? <span className="muted">{vm.network === 'bridged' ? 'leased address' : '—'}</span> : `127.0.0.1:${vm.sshPort}`}</td>
        <td>{vm.nodeId ? <a href={routeHref('nodes', vm.nodeId)}>Open node</a> : <span className="muted">removed</span>}</td>
        <td className="rack-actions">
          {off ? button('start', 'Start', !canStart) : button('stop', 'Stop', vm.state === 'stopping')}
          {!off && button('power-off', 'Power off', false)}
          {button('reset', 'Reset', vm.state !== 'running')}
          <button type="button" className="btn btn-small btn-danger-quiet" aria-label={`Destroy ${vm.name}`} onClick={onDestroy}>
            Destroy
          </button>
        </td>
      </tr>
      {(error || vm.lastError) && (
        <tr className="rack-row-error">
          <td colSpan={7}>
            <div className="notice notice-error" role={error ? 'alert' : undefined} data-testid="vm-error">
              {error ?? `${vm.name}: ${vm.lastError?.message ?? ''}`}
            </div>
          </td>
        </tr>
      )}
    </>
  );
}
