/**
 * The Services tab: each service's containers with state, health and ports, start/stop/restart,
 * and CPU/memory polled every few seconds while this tab is the one shown.
 */
import { useState } from 'react';
import type { ContainerStats, StackSummary } from '../../../shared/domain/stack';
import { errorMessage, rpc } from '../../rpc/api';
import { upsertStackSummary } from '../../stores/stacks';
import { PortLinks } from './PortLinks';
import { formatBytes, HEALTH_CLASS, worstHealth } from './stack-format';
import { useStats } from './use-stats';

type ServiceAction = 'start' | 'stop' | 'restart';

export function ServicesTab({ summary, active }: { summary: StackSummary; active: boolean }) {
  const { nodeId, name } = summary;
  const { stats, error: statsError } = useStats(nodeId, name, active && summary.services.some((s) => s.containers.length > 0));
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const act = async (service: string, action: ServiceAction) => {
    setBusy(`${service}:${action}`);
    setError(null);
    try {
      upsertStackSummary(await rpc().call('stacks.service', { nodeId, name, service, action }));
    } catch (err) {
      setError(`Could not ${action} ${service}: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  };

  if (summary.services.length === 0) return <p className="muted">No services: deploy the stack to start its containers.</p>;
  return (
    <div className="stack-services">
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {statsError && <p className="notice notice-warn">Could not read CPU and memory: {statsError}</p>}
      <div className="table-scroll stack-table-scroll">
        <table className="events stack-table" aria-label="Services">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">State</th>
              <th scope="col">Health</th>
              <th scope="col">Ports</th>
              <th scope="col">CPU</th>
              <th scope="col">Memory</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {summary.services.map((s) => {
              const running = s.containers.some((c) => c.state === 'running');
              const health = worstHealth(s.containers);
              // A stopped service uses nothing; the last poll may predate the stop.
              const usage = running ? sumStats(stats, s.name) : null;
              const button = (action: ServiceAction, label: string, disabled: boolean) => (
                <button type="button" className="btn btn-small" aria-label={`${label} ${s.name}`} disabled={busy !== null || disabled} onClick={() => void act(s.name, action)}>
                  {busy === `${s.name}:${action}` ? `${label}…` : label}
                </button>
              );
              return (
                <tr key={s.name} data-testid="stack-service" data-service={s.name}>
                  <th scope="row">{s.name}</th>
                  <td>
                    {s.containers.length === 0 ? (
                      <span className="badge stack-state-stopped">no container</span>
                    ) : (
                      s.containers.map((c) => (
                        <span key={c.id} className={`badge ${c.state === 'running' ? 'state-ready' : c.state === 'restarting' ? 'state-installing' : 'stack-state-stopped'}`} title={`${c.name}: ${c.status}`} data-testid="service-state">
                          {c.state}
                        </span>
                      ))
                    )}
                  </td>
                  <td>{health === 'none' ? <span className="muted">—</span> : <span className={`badge ${HEALTH_CLASS[health]}`}>{health}</span>}</td>
                  <td>
                    <PortLinks ports={s.containers.flatMap((c) => c.ports)} />
                  </td>
                  <td className="mono">{usage ? `${usage.cpuPercent.toFixed(1)} %` : '—'}</td>
                  <td className="mono">{usage ? `${formatBytes(usage.memoryBytes)}${usage.memoryLimitBytes ? ` / ${formatBytes(usage.memoryLimitBytes)}` : ''}` : '—'}</td>
                  <td className="stack-actions">
                    {button('start', 'Start', running || s.containers.length === 0)}
                    {button('stop', 'Stop', !running)}
                    {button('restart', 'Restart', s.containers.length === 0)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** A service's containers added up (a scaled service has several). */
function sumStats(stats: ContainerStats[] | null, service: string): Omit<ContainerStats, 'container' | 'service'> | null {
  const mine = stats?.filter((s) => s.service === service) ?? [];
  if (mine.length === 0) return null;
  return mine.reduce((a, s) => ({ cpuPercent: a.cpuPercent + s.cpuPercent, memoryBytes: a.memoryBytes + s.memoryBytes, memoryLimitBytes: Math.max(a.memoryLimitBytes, s.memoryLimitBytes) }), {
    cpuPercent: 0,
    memoryBytes: 0,
    memoryLimitBytes: 0,
  });
}
