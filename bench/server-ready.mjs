/**
 * Server start-up: time from spawning `node dist/electron/server.cjs --port 0 --data-dir <fresh>`
 * to the first successful API call (`system.info` over the WebSocket), split into
 * spawn → "ready" line and "ready" line → first response. Target (issue 2): median < 1 s.
 *
 * Baseline in the same run: a bare Node process that opens an HTTP listener and exits, so the
 * table shows Rackpilot's start-up overhead over plain `node`. Runs are interleaved so machine
 * noise hits both alike.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  cpuBusy,
  SERVER_JS,
  connectRpc,
  environment,
  isMainModule,
  markdownTable,
  median,
  metric,
  requireBuilt,
  runStandalone,
  startServer,
  withTimeout,
  wsUrl,
} from './lib.mjs';

export const name = 'server-ready';
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const TARGET_MS = 1000;
const RUN_TIMEOUT_MS = 20000;

async function oneServerRun() {
  const server = startServer({ timeoutMs: RUN_TIMEOUT_MS });
  try {
    const { readyAt, port, token } = await server.ready;
    const rpc = await connectRpc(wsUrl({ port, token }));
    const info = await rpc.call('system.info', {}, { timeoutMs: RUN_TIMEOUT_MS });
    const firstResAt = performance.now();
    rpc.close();
    if (info?.product !== 'Rackpilot') throw new Error(`unexpected system.info answer: ${JSON.stringify(info)}`);
    return {
      total: firstResAt - server.spawnedAt,
      toReady: readyAt - server.spawnedAt,
      readyToRes: firstResAt - readyAt,
    };
  } finally {
    await server.stop();
  }
}

/** Spawn → exit of `node -e` that listens on a free port, then exits from the listen callback. */
function oneBareNodeRun() {
  return new Promise((resolveRun, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      ['-e', "require('http').createServer().listen(0,'127.0.0.1',()=>process.exit(0))"],
      { stdio: 'ignore' },
    );
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('bare node did not exit within 10 s'));
    }, 10000);
    child.once('exit', (code) => {
      clearTimeout(t);
      if (code === 0) resolveRun(performance.now() - start);
      else reject(new Error(`bare node exited with ${code}`));
    });
  });
}

export async function run() {
  const busyBefore = await cpuBusy();
  requireBuilt([SERVER_JS]);
  // One untimed warm-up of each so the first sample does not pay for a cold page cache.
  await withTimeout(oneServerRun(), RUN_TIMEOUT_MS * 2, 'warm-up server run');
  await oneBareNodeRun();

  const samples = { total: [], toReady: [], readyToRes: [], bare: [] };
  for (let i = 0; i < RUNS; i++) {
    const r = await withTimeout(oneServerRun(), RUN_TIMEOUT_MS * 2, `server run ${i + 1}`);
    samples.total.push(r.total);
    samples.toReady.push(r.toReady);
    samples.readyToRes.push(r.readyToRes);
    samples.bare.push(await oneBareNodeRun());
  }

  const ratio = median(samples.total) / median(samples.bare);
  const metrics = [
    metric('spawn → first system.info response', samples.total, { target: TARGET_MS }),
    metric('↳ spawn → "ready" line', samples.toReady),
    metric('↳ "ready" line → first response', samples.readyToRes),
    metric('baseline: bare `node` listen + exit', samples.bare),
  ];
  const extra = [
    `Rackpilot start-up vs bare Node process: **${ratio.toFixed(2)}×** ` +
      `(medians, ${RUNS} interleaved runs each, fresh data dir per run).`,
  ];
  const result = {
    name,
    title: 'Server ready (headless, `--port 0`, fresh data dir)',
    environment: { ...environment(), cpuBusyBefore: busyBefore },
    runs: RUNS,
    ratioVsBareNode: ratio,
    metrics,
  };
  return { ...result, table: markdownTable(result.title, metrics, extra, { busyBefore }) };
}

if (isMainModule(import.meta.url)) runStandalone(run);
