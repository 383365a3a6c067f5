/**
 * depends_on conditions: waiting until a dependency is healthy, or has run to a successful end,
 * before its dependents start. Polls inspect — the engine's events stream would do too, but a
 * poll needs no long-lived stream over SSH and a few requests a second are nothing.
 */
import type Docker from 'dockerode';
import { RackpilotError } from '../../../../shared/errors';
import type { DependsOnCondition } from '../compose/model';
import { sleep } from '../../abort';
import { EngineErrorCode, engineError } from './engine-errors';

const POLL_MS = 250;
/** Docker's healthcheck defaults (dockerd's), for a timeout when the service leaves them unset. */
const DEFAULT_INTERVAL_NS = 30e9;
const DEFAULT_TIMEOUT_NS = 30e9;
const DEFAULT_RETRIES = 3;
const SLACK_MS = 15_000;


/**
 * How long a healthcheck can stay "starting" before the engine itself would call it unhealthy:
 * the start period plus one interval and timeout per allowed failure, with slack. Past that,
 * something is wrong beyond the check.
 */
export function healthTimeoutMs(hc: Docker.HealthConfig | undefined): number {
  const interval = hc?.Interval || DEFAULT_INTERVAL_NS;
  const timeout = hc?.Timeout || DEFAULT_TIMEOUT_NS;
  const retries = hc?.Retries || DEFAULT_RETRIES;
  const start = hc?.StartPeriod || 0;
  return Math.ceil((start + (interval + timeout) * (retries + 1)) / 1e6) + SLACK_MS;
}

function lastHealthLine(info: Docker.ContainerInspectInfo): string {
  const log = info.State.Health?.Log ?? [];
  const last = log[log.length - 1];
  if (!last) return 'no check has finished yet';
  const lines = last.Output.trim().split('\n').filter(Boolean);
  return lines.length ? `exit ${last.ExitCode}: ${lines[lines.length - 1]}` : `exit ${last.ExitCode}, no output`;
}

function dependencyError(message: string): RackpilotError {
  return new RackpilotError(EngineErrorCode.Dependency, message);
}

/** Resolves when `service`'s container meets the condition; rejects with a message naming the service. */
export async function waitForCondition(
  docker: Docker,
  containerId: string,
  service: string,
  condition: DependsOnCondition,
  signal?: AbortSignal,
): Promise<void> {
  if (condition === 'service_started') return;
  const container = docker.getContainer(containerId);
  const inspect = async () => {
    try {
      return await container.inspect();
    } catch (err) {
      throw engineError(`check service ${service}`, err, 'Its container was removed while the stack was starting; apply again');
    }
  };
  let info = await inspect();
  if (condition === 'service_healthy') {
    const hc = info.Config.Healthcheck;
    if (!hc?.Test?.length || hc.Test[0] === 'NONE')
      throw dependencyError(
        `Service ${service} has no healthcheck, but another service waits for it with condition service_healthy. Add a healthcheck to ${service}, or use condition service_started.`,
      );
    const deadline = Date.now() + healthTimeoutMs(hc);
    for (;;) {
      const status = info.State.Health?.Status;
      if (status === 'healthy') return;
      if (status === 'unhealthy')
        throw dependencyError(`Service ${service} is unhealthy (${lastHealthLine(info)}). Check its logs and healthcheck, then apply again.`);
      if (!info.State.Running)
        throw dependencyError(`Service ${service} stopped (exit code ${info.State.ExitCode}) before it became healthy. Check its logs, then apply again.`);
      if (Date.now() > deadline)
        throw dependencyError(`Service ${service} did not become healthy in ${Math.round(healthTimeoutMs(hc) / 1000)} s (${lastHealthLine(info)}). Check its logs and healthcheck, then apply again.`);
      await sleep(POLL_MS, signal);
      info = await inspect();
    }
  }
  // service_completed_successfully: a one-shot job; no deadline — it may legitimately take long, and Cancel stops the wait.
  for (;;) {
    const s = info.State.Status;
    if (s === 'exited' || s === 'dead') {
      if (info.State.ExitCode === 0) return;
      throw dependencyError(`Service ${service} exited with code ${info.State.ExitCode}, but others wait for it to complete successfully. Check its logs, then apply again.`);
    }
    await sleep(POLL_MS, signal);
    info = await inspect();
  }
}
