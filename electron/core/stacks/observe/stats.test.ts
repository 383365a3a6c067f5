import { expect, it } from 'vitest';
import { cpuPercent, memoryWithoutCache } from './stats';

it('computes CPU percent as docker stats does', () => {
  const s = {
    cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 4 },
    precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
  };
  // 1 s of CPU in 10 s of all CPUs' time, on 4 CPUs: 40 % of one CPU.
  expect(cpuPercent(s)).toBeCloseTo(40);
  expect(cpuPercent({ ...s, precpu_stats: undefined, cpu_stats: { ...s.cpu_stats, online_cpus: 0, cpu_usage: { total_usage: 0, percpu_usage: [1, 2] } } })).toBe(0);
  expect(cpuPercent({})).toBe(0);
});

it('leaves the inactive file cache out of memory, on cgroup v1 and v2', () => {
  expect(memoryWithoutCache({ memory_stats: { usage: 100, stats: { total_inactive_file: 30, inactive_file: 5 } } })).toBe(70);
  expect(memoryWithoutCache({ memory_stats: { usage: 100, stats: { inactive_file: 40 } } })).toBe(60);
  expect(memoryWithoutCache({ memory_stats: { usage: 100, stats: { total_inactive_file: 300 } } })).toBe(100);
  expect(memoryWithoutCache({})).toBe(0);
});
