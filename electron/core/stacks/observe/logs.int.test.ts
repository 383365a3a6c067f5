import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackLogLine } from '../../../../shared/domain/stack';
import { requireDocker } from '../../testing/docker';
import { dialStdioProcesses, forwardedDockerSockets, printingScript, startEngineTestEnv, type EngineTestEnv } from '../docker/engine-test-env';
import { followStackLogs } from './logs';
import { stackStats } from './stats';

const skip = requireDocker();
const project = `rpt-observe-${process.pid}`;
let env: EngineTestEnv;

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip)('stack logs and stats through SSH', () => {
  beforeAll(async () => {
    env = await startEngineTestEnv();
    env.runService(project, 'app', printingScript(true));
    env.runService(project, 'console', printingScript(), { tty: true });
    // Some lines to tail before the tests read them.
    await new Promise((r) => setTimeout(r, 1500));
  });

  afterAll(async () => {
    env?.removeProject(project);
    await env?.close();
  });

  it('follows every service, stdout and stderr apart, until the watcher stops — then the channels close', async () => {
    const { docker } = await env.connector.connect('fwd');
    const lines: StackLogLine[] = [];
    let batches = 0;
    const ctl = new AbortController();
    const done = followStackLogs(
      docker,
      project,
      { tail: 2, timestamps: true, follow: true },
      (batch) => {
        batches++;
        lines.push(...batch);
      },
      ctl.signal,
    );
    const seen = (service: string, stream: string, min: number) => lines.filter((l) => l.service === service && l.stream === stream).length >= min;
    await until(() => seen('app', 'stdout', 6) && seen('app', 'stderr', 6) && seen('console', 'stdout', 6), 'followed lines');
    // Both streams are open on the node while we follow.
    expect(forwardedDockerSockets(env.user.name)).toBe(2);
    expect(env.connector.openChannels('fwd')).toBe(2);
    ctl.abort();
    await done;
    const atAbort = batches;
    await until(() => forwardedDockerSockets(env.user.name) === 0 && env.connector.openChannels('fwd') === 0, 'the log channels to close');
    await new Promise((r) => setTimeout(r, 300));
    // Nothing reaches a watcher that has gone.
    expect(batches).toBe(atAbort);

    const app = lines.filter((l) => l.service === 'app');
    expect(app.every((l) => l.container === `${project}-app-1`)).toBe(true);
    expect(app.filter((l) => l.stream === 'stdout').every((l) => /^line \d+$/.test(l.text))).toBe(true);
    expect(app.filter((l) => l.stream === 'stderr').every((l) => /^oops \d+$/.test(l.text))).toBe(true);
    // Followed stdout lines count up without a gap: nothing lost between chunks.
    const numbers = app.filter((l) => l.stream === 'stdout').map((l) => Number(l.text.split(' ')[1]));
    numbers.forEach((n, i) => i > 0 && expect(n).toBe(numbers[i - 1]! + 1));
    expect(app.every((l) => l.time !== null && !Number.isNaN(Date.parse(l.time)))).toBe(true);
    // The TTY service's log is raw: its lines come through whole (a TTY ends them with \r\n).
    expect(lines.filter((l) => l.service === 'console').every((l) => /^line \d+$/.test(l.text) && l.stream === 'stdout')).toBe(true);
    expect(batches).toBeLessThan(lines.length);
  });

  it('stops the dial-stdio relay on the node when the watcher stops', async () => {
    const { docker, transport } = await env.connector.connect('nofwd');
    expect(transport).toBe('dial-stdio');
    const lines: StackLogLine[] = [];
    const ctl = new AbortController();
    const done = followStackLogs(docker, project, { service: 'app', tail: 0, timestamps: false, follow: true }, (b) => lines.push(...b), ctl.signal);
    await until(() => lines.length >= 4, 'followed lines');
    expect(dialStdioProcesses(env.user.name)).toBe(1);
    ctl.abort();
    await done;
    await until(() => dialStdioProcesses(env.user.name) === 0 && env.connector.openChannels('nofwd') === 0, 'the relay to exit');
  });

  it('reads the tail of one service without following, through dial-stdio too', async () => {
    for (const node of ['fwd', 'nofwd']) {
      const { docker } = await env.connector.connect(node);
      const lines: StackLogLine[] = [];
      const ctl = new AbortController();
      await followStackLogs(docker, project, { service: 'app', tail: 3, timestamps: false, follow: false }, (b) => lines.push(...b), ctl.signal);
      // tail counts log entries across both streams of the container.
      expect(lines).toHaveLength(3);
      expect(lines.every((l) => l.service === 'app' && l.time === null)).toBe(true);
    }
  });

  it('reports plausible CPU and memory per running container', async () => {
    const { docker } = await env.connector.connect('fwd');
    const stats = await stackStats(docker, project);
    expect(stats.map((s) => s.service).sort()).toEqual(['app', 'console']);
    for (const s of stats) {
      expect(s.container).toBe(`${project}-${s.service}-1`);
      expect(s.memoryBytes).toBeGreaterThan(0);
      expect(s.memoryLimitBytes).toBeGreaterThanOrEqual(s.memoryBytes);
      expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(s.cpuPercent).toBeLessThan(400);
    }
    await until(() => forwardedDockerSockets(env.user.name) === 0, 'the stats channels to close');
  });
});
