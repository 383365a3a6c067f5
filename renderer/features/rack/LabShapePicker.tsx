/**
 * The bridged lab's shape — who hands out addresses on the lab wire — with one sentence on what
 * each means, and the status line saying which one runs. Locked while bridged nodes run: their
 * wire has its shape (the core refuses a change then too).
 */
import { useState } from 'react';
import type { VlabBridgedStatus, VlabRouter } from '../../../shared/domain/vlab';
import { errorMessage, rpc } from '../../rpc/api';
import { useVlab } from '../../stores/vlab';

const SHAPES: { router: VlabRouter; name: string; sentence: string }[] = [
  { router: 'rackpilot', name: 'Isolated lab', sentence: 'Rackpilot is the DHCP server.' },
  {
    router: 'home-router',
    name: 'Home LAN',
    sentence: 'a router hands out addresses; Rackpilot only answers PXE (proxyDHCP) — what you’ll use on a real home network.',
  },
];

function shapeName(router: VlabRouter | undefined): string {
  return SHAPES.find((s) => s.router === (router ?? 'rackpilot'))?.name ?? 'Isolated lab';
}

/** For the status line: which shape the bridged lab runs (or will run) as. */
export function LabShapeStatus({ bridged }: { bridged: VlabBridgedStatus }) {
  return (
    <p data-testid="lab-shape-status">
      <span className="badge">Bridged lab: {shapeName(bridged.router)}</span>{' '}
      <span className="muted">
        {bridged.active
          ? `active, ${bridged.running} node${bridged.running === 1 ? '' : 's'} on ${bridged.subnet}`
          : 'not running; used by nodes created with the bridged network'}
      </span>
    </p>
  );
}

export function LabShapePicker({ bridged }: { bridged: VlabBridgedStatus }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = bridged.router ?? 'rackpilot';

  const choose = async (router: VlabRouter) => {
    if (router === current) return;
    setBusy(true);
    setError(null);
    try {
      useVlab.setState({ status: await rpc().call('vlab.configure', { router }) });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="rack-shape" data-testid="lab-shape" disabled={busy || bridged.active}>
      <legend>Bridged lab network</legend>
      <div className="mode-choice">
        {SHAPES.map((shape) => {
          const unavailable = shape.router === 'home-router' ? (bridged.homeRouterUnavailable ?? null) : null;
          return (
            <label key={shape.router} className="radio-card">
              <input
                type="radio"
                name="lab-shape"
                value={shape.router}
                checked={current === shape.router}
                disabled={unavailable !== null}
                onChange={() => void choose(shape.router)}
              />
              <span>
                <strong>{shape.name}</strong>: {shape.sentence}
                {unavailable && <span className="muted"> Not here: {unavailable}.</span>}
              </span>
            </label>
          );
        })}
      </div>
      {bridged.active && <p className="muted">Stop the bridged nodes to change it.</p>}
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
