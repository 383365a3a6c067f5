/**
 * One reading of CPU and memory per running container of a stack, computed as `docker stats`
 * computes them, so the numbers match what the user sees on the node's command line.
 */
import type Dockerode from 'dockerode';
import type { ContainerStats } from '../../../../shared/domain/stack';
import { engineJson } from '../docker/engine-request';
import { projectContainers } from './project-containers';

/** The parts of the engine's stats answer used here; the engine omits some on some hosts. */
export interface EngineStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

export async function stackStats(docker: Dockerode, project: string, signal?: AbortSignal): Promise<ContainerStats[]> {
  const running = await projectContainers(docker, project, { running: true, signal });
  const read = await Promise.all(
    running.map(async (c): Promise<ContainerStats | null> => {
      try {
        // stream=false without one-shot: the engine samples twice (~1 s) so precpu is filled in.
        const s = await engineJson<EngineStats>(docker, {
          path: `/containers/${c.id}/stats?`,
          query: { stream: false },
          signal,
          errors: { 404: 'no such container' },
        });
        return { container: c.name, service: c.service, ...readStats(s) };
      } catch (err) {
        // Removed since it was listed (a redeploy under way): it has nothing to report.
        if ((err as { statusCode?: number }).statusCode === 404) return null;
        throw err;
      }
    }),
  );
  return read.filter((s): s is ContainerStats => s !== null);
}

export function readStats(s: EngineStats): Pick<ContainerStats, 'cpuPercent' | 'memoryBytes' | 'memoryLimitBytes'> {
  return { cpuPercent: cpuPercent(s), memoryBytes: memoryWithoutCache(s), memoryLimitBytes: s.memory_stats?.limit ?? 0 };
}

/** docker CLI's calculateCPUPercentUnix: the container's share of the host's CPU time, times the CPUs. */
export function cpuPercent(s: EngineStats): number {
  const cpu = s.cpu_stats;
  const pre = s.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const cpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 0;
  if (systemDelta <= 0 || cpuDelta <= 0) return 0;
  return (cpuDelta / systemDelta) * cpus * 100;
}

/**
 * docker CLI's calculateMemUsageUnixNoCache: usage minus inactive page cache (cgroup v1 reports
 * it as total_inactive_file, v2 as inactive_file) — the file cache the kernel can drop at will.
 */
export function memoryWithoutCache(s: EngineStats): number {
  const usage = s.memory_stats?.usage ?? 0;
  const stats = s.memory_stats?.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}
