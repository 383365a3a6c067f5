/**
 * Reading containers for the container and stack checks: inspect through the node's engine
 * (a missing container is an answer, not an error) and say a container's state the way
 * `docker ps` would, plus what the checks ask about it.
 */
import type Dockerode from 'dockerode';
import { abortError } from '../../abort';
import { engineMessage, isNotFound } from '../../stacks/engine/engine-errors';
import { CannotRun } from './check-kit';

export type Inspected = Dockerode.ContainerInspectInfo;

export interface Wanted {
  running: boolean;
  healthy: boolean;
  /** ISO time the container must have started after, or null when not asked. */
  startedAfter: string | null;
}

/** The node's engine, or CannotRun saying why it cannot be reached. */
export async function engineOf(nodeId: string, nodeName: string, getDocker: (id: string, s?: AbortSignal) => Promise<Dockerode>, signal?: AbortSignal): Promise<Dockerode> {
  try {
    return await getDocker(nodeId, signal);
  } catch (err) {
    if (signal?.aborted) throw abortError();
    throw new CannotRun(`Docker on ${nodeName} could not be reached: ${(err as Error).message}`, `Make sure Docker runs on ${nodeName} and your user may use it, then check again.`);
  }
}

export async function inspectOrNull(docker: Dockerode, idOrName: string, signal?: AbortSignal): Promise<Inspected | null> {
  try {
    return await docker.getContainer(idOrName).inspect(signal ? { abortSignal: signal } : {});
  } catch (err) {
    if (signal?.aborted) throw abortError();
    if (isNotFound(err)) return null;
    throw new CannotRun(`Docker did not say how container ${idOrName} is: ${engineMessage(err)}.`, 'Check that Docker runs on the node, then check again.');
  }
}

export function healthOf(c: Inspected): string | null {
  return c.State.Health?.Status ?? null;
}

/** "running (healthy) since 2025-01-01T10:00:00Z", "exited (code 1) at …". */
export function describeState(c: Inspected): string {
  const s = c.State;
  if (s.Running) {
    const health = healthOf(c);
    return `running${health ? ` (${health})` : ''} since ${s.StartedAt.replace(/\.\d+Z$/, 'Z')}`;
  }
  const status = s.Status || 'stopped';
  return `${status}${status === 'exited' ? ` (code ${s.ExitCode})` : ''}${s.FinishedAt && !s.FinishedAt.startsWith('0001') ? ` at ${s.FinishedAt.replace(/\.\d+Z$/, 'Z')}` : ''}`;
}

/** What is wrong with the container against what the lab wants (empty: nothing). */
export function shortfalls(c: Inspected, want: Wanted): string[] {
  const out: string[] = [];
  if (c.State.Running !== want.running) out.push(want.running ? 'it is not running' : 'it is still running');
  if (want.healthy && c.State.Running) {
    const health = healthOf(c);
    if (health === null) out.push('it has no health check');
    else if (health !== 'healthy') out.push(`its health check says ${health}`);
  }
  if (want.startedAfter && c.State.Running && Date.parse(c.State.StartedAt) < Date.parse(want.startedAfter)) {
    out.push(`it was started before you reached this step (${want.startedAfter.replace(/\.\d+Z$/, 'Z')}), so it was not restarted since`);
  }
  return out;
}

/** The step's start for `startedSinceStep`, or CannotRun when Rackpilot has none. */
export function stepStart(asked: boolean, reachedAt: string | null): string | null {
  if (!asked) return null;
  if (!reachedAt) throw new CannotRun('Rackpilot has no record of when you reached this step.', 'Open the step again from the step list, redo the restart, then check again.');
  return reachedAt;
}
