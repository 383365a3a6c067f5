/**
 * The practice rack: virtual bare-metal nodes in QEMU that network-boot from Rackpilot exactly as
 * real servers do. Says what to install when QEMU is missing; otherwise which accelerator and lab
 * network the nodes get and why, the nodes with their power controls, and the selected node's
 * boot timeline and serial console.
 */
import { useEffect, useState } from 'react';
import type { VlabStatus } from '../../../shared/domain/vlab';
import { CopyButton } from '../../components/CopyButton';
import { routeHref, useRouteItem } from '../../router';
import { followVlab, useVlab } from '../../stores/vlab';
import { CreateNodesDialog } from './CreateNodesDialog';
import { LabImagePanel } from './LabImagePanel';
import { LabShapePicker, LabShapeStatus } from './LabShapePicker';
import { VirtualNodePanel } from './VirtualNodePanel';
import { VirtualNodesTable } from './VirtualNodesTable';
import './rack.css';

export function RackPage() {
  const status = useVlab((s) => s.status);
  const state = useVlab((s) => s.state);
  const error = useVlab((s) => s.error);
  const selectedId = useRouteItem();
  const [creating, setCreating] = useState(false);

  useEffect(() => followVlab(), []);

  if (!status) {
    return (
      <RackShell>
        {state === 'error' ? (
          <div className="notice notice-error" role="alert">
            Could not load the practice rack: {error}
          </div>
        ) : (
          <p className="empty" role="status">
            Loading the practice rack…
          </p>
        )}
      </RackShell>
    );
  }

  const selected = status.nodes.find((n) => n.id === selectedId) ?? null;
  return (
    <RackShell
      action={
        status.available && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create nodes
          </button>
        )
      }
    >
      {state === 'error' && (
        <div className="notice notice-error" role="alert">
          Could not refresh the practice rack: {error}
        </div>
      )}
      {status.available ? <StatusLine status={status} /> : <Unavailable status={status} />}
      {status.available && <LabImagePanel />}
      {status.available && status.network.bridged?.available && <LabShapePicker bridged={status.network.bridged} />}
      {status.nodes.length === 0 ? (
        status.available && (
          <div className="empty">
            <h2>No virtual nodes yet</h2>
            <p>Create a few: each one is a QEMU machine with an empty disk that boots from the network, like a new server in a rack.</p>
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              Create nodes
            </button>
          </div>
        )
      ) : (
        <VirtualNodesTable nodes={status.nodes} selectedId={selected?.id ?? null} canStart={status.available} />
      )}
      {selected && <VirtualNodePanel key={selected.id} vm={selected} />}
      {creating && <CreateNodesDialog status={status} onClose={() => setCreating(false)} />}
    </RackShell>
  );
}

function RackShell({ action, children }: { action?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section className="page-section rack-page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Practice rack</h1>
        {action}
      </div>
      {children}
    </section>
  );
}

function Unavailable({ status }: { status: VlabStatus }) {
  return (
    <section className="panel rack-unavailable" aria-labelledby="rack-missing-title" data-testid="rack-unavailable">
      <h2 id="rack-missing-title">QEMU is needed for the practice rack</h2>
      <p>{status.message ?? 'Virtual nodes run in QEMU, which is not installed on this machine.'}</p>
      {status.missing.length > 0 && (
        <ul className="rack-missing">
          {status.missing.map((m) => (
            <li key={m.path}>
              {m.what} (<span className="mono">{m.path}</span>) — package <span className="mono">{m.package}</span>
            </li>
          ))}
        </ul>
      )}
      {status.install && (
        <>
          <p>Install it, then open this page again:</p>
          <div className="rack-install">
            <code className="mono" data-testid="rack-install-command">
              {status.install}
            </code>
            <CopyButton text={status.install} label="Copy the install command" />
          </div>
        </>
      )}
      {status.nodes.length > 0 && <p className="muted">The virtual nodes below cannot start until it is installed.</p>}
    </section>
  );
}

function StatusLine({ status }: { status: VlabStatus }) {
  const { accelerator, network } = status;
  return (
    <div className="rack-status" data-testid="rack-status">
      <p>
        <span className="badge">{accelerator.kind === 'kvm' ? 'KVM' : 'TCG (emulated)'}</span> <span className="muted">{accelerator.reason}</span>
      </p>
      <p>
        <span className="badge">{network.mode === 'bridged' ? 'Bridged network' : 'Rootless network'}</span> <span className="muted">{network.reason}</span>
      </p>
      {network.bridged?.available && <LabShapeStatus bridged={network.bridged} />}
      {status.qemuVersion && <p className="muted">QEMU {status.qemuVersion}</p>}
      {/* About rootless nodes: beside a running bridged lab it only matters when one exists. */}
      {!network.bootReachable && network.bootMessage && (!network.bridged?.active || status.nodes.some((n) => n.network === 'rootless')) && (
        <p className="notice notice-warn" data-testid="rack-boot-warning">
          {network.bootMessage} <a className="nowrap" href={routeHref('boot')}>
            Open the Boot page
          </a>
        </p>
      )}
      {(!status.firmwares.bios || !status.firmwares.uefi) && (
        <p className="notice notice-warn">
          {!status.firmwares.uefi ? 'UEFI nodes cannot boot here: OVMF is missing (package ovmf).' : 'BIOS nodes cannot boot here: the iPXE ROMs are missing (package ipxe-qemu).'}
        </p>
      )}
    </div>
  );
}
