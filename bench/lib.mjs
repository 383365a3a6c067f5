/**
 * Shared helpers for the benchmarks: statistics, the headless server as a child process, a tiny
 * WebSocket RPC client, Markdown tables and result files. Benchmarks talk to 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus as osCpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_JS = join(ROOT, 'dist', 'electron', 'server.cjs');
export const RENDERER_INDEX = join(ROOT, 'dist', 'renderer', 'index.html');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** Fails with a clear message when the build output a benchmark needs is missing. */
export function requireBuilt(paths) {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    const list = missing.map((p) => `  ${p.slice(ROOT.length + 1)}`).join('\n');
    throw new BenchSkip(`build output missing:\n${list}\nRun \`npm run build\` first.`);
  }
}

/** Thrown when a benchmark cannot run (e.g. nothing built); run.mjs reports it instead of crashing. */
export class BenchSkip extends Error {}

// ---------------------------------------------------------------- statistics

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  // Nearest-rank on the sorted sample.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarise(values) {
  const s = [...values].sort((a, b) => a - b);
  return {
    runs: s.length,
    median: median(s),
    p90: percentile(s, 90),
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
  };
}

/**
 * A metric row: `values` are samples in `unit`; `target` (optional) is an upper bound the median
 * must stay under; `note` is free text (e.g. the peer ratio).
 */
export function metric(name, values, { unit = 'ms', target, note } = {}) {
  const stats = summarise(values);
  const verdict =
    target === undefined ? '—' : Number.isNaN(stats.median) ? 'no data' : stats.median < target ? 'PASS' : 'FAIL';
  return { name, unit, ...stats, target: target ?? null, verdict, note: note ?? '', samples: values };
}

// ---------------------------------------------------------------- output

function fmt(n, unit) {
  if (typeof n !== 'number' || Number.isNaN(n)) return '—';
  const digits = unit === 'ms' ? (Math.abs(n) < 10 ? 2 : 1) : Number.isInteger(n) ? 0 : 2;
  return `${n.toFixed(digits)}${unit === 'ms' ? ' ms' : unit ? ` ${unit}` : ''}`;
}

export function markdownTable(title, metrics, extraLines = [], { busyBefore } = {}) {
  const lines = [
    `### ${title}`,
    '',
    '| metric | runs | median | p90 | min | max | target | verdict |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const m of metrics) {
    const target = m.target === null ? '—' : `< ${m.target}${m.unit ? ` ${m.unit}` : ''}`;
    const name = m.note ? `${m.name} (${m.note})` : m.name;
    lines.push(
      `| ${name} | ${m.runs} | ${fmt(m.median, m.unit)} | ${fmt(m.p90, m.unit)} | ${fmt(m.min, m.unit)} | ${fmt(m.max, m.unit)} | ${target} | ${m.verdict} |`,
    );
  }
  const warning = loadWarning(busyBefore);
  const extra = warning ? [...extraLines, warning] : extraLines;
  if (extra.length) lines.push('', ...extra);
  return lines.join('\n');
}

export function writeResult(name, data) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** Whether the module at `moduleUrl` (its import.meta.url) is the script node was started with. */
export function isMainModule(moduleUrl) {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/**
 * `node bench/<name>.mjs` on its own: runs the benchmark, prints its table, writes its result file
 * and exits (0, or 1 when it could not run). run.mjs does the same for several at once.
 */
export function runStandalone(run, { showStack = false } = {}) {
  run().then(
    (r) => {
      console.log(r.table);
      console.log(`\nwrote ${writeResult(r.name, r)}`);
      process.exit(0);
    },
    (err) => {
      console.error(showStack ? (err.stack ?? err.message) : err.message);
      process.exit(1);
    },
  );
}

export function environment() {
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: availableParallelism(),
    loadavg1m: loadavg()[0],
    date: new Date().toISOString(),
  };
}

function cpuTimes() {
  let idle = 0;
  let total = 0;
  for (const c of osCpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/** Fraction of all CPUs busy over the next `ms` (before a benchmark starts, so it is others' work). */
export async function cpuBusy(ms = 1000) {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}

/** A line warning that other work was competing for the CPU, or null when the machine was quiet. */
export function loadWarning(busy) {
  return typeof busy === 'number' && busy > 0.25
    ? `⚠ The CPUs were ${(busy * 100).toFixed(0)}% busy with other work just before this ran ` +
        `(${availableParallelism()} CPUs): the numbers are pessimistic; rerun on a quiet machine.`
    : null;
}

// ---------------------------------------------------------------- temp dirs

const tempDirs = new Set();
export function tempDir(prefix = 'rackpilot-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}
export function removeTempDir(dir) {
  tempDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
}

// ---------------------------------------------------------------- the headless server

const children = new Set();

function cleanupSync() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
process.once('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    cleanupSync();
    process.exit(130);
  });
}

const READY_RE = /Rackpilot is ready at (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))/;

/**
 * Spawns the headless server on a free port with a fresh data dir and resolves once it prints its
 * ready line. Times are performance.now() values in this process.
 */
/** SIGTERM, then SIGKILL after `graceMs`; resolves once `exited` (the child's exit promise) has. */
export async function terminate(child, exited, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

export function startServer({ timeoutMs = 15000, dataDir } = {}) {
  const dir = dataDir ?? tempDir();
  const ownsDir = dataDir === undefined;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [SERVER_JS, '--port', '0', '--data-dir', dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  children.add(child);
  let output = '';
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  exited.then(() => children.delete(child));

  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not print its ready line within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = READY_RE.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolveReady({ readyAt: performance.now(), url: m[1], port: Number(m[2]), token: m[3] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (output += c.toString()));
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  // Keep draining stdout after ready so the pipe never fills up.
  child.stdout.on('data', () => {});

  async function stop() {
    await terminate(child, exited);
    if (ownsDir) removeTempDir(dir);
  }

  return { child, spawnedAt, ready, stop, dataDir: dir, output: () => output };
}

// ---------------------------------------------------------------- WebSocket RPC

export function wsUrl({ port, token }) {
  return `ws://127.0.0.1:${port}/api?token=${encodeURIComponent(token)}`;
}

/** Opens the API socket; resolves an RPC client once connected. `onEvent(channel, data)` gets pushed events. */
export function connectRpc(url, { timeoutMs = 10000, onEvent } = {}) {
  return new Promise((resolveConn, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const pending = new Map();
    let nextId = 1;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`WebSocket ${url} did not open within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on('message', (data) => {
      let frame;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (frame.t === 'event') onEvent?.(frame.ch, frame.d);
      if (frame.t !== 'res' && frame.t !== 'err') return; // events, progress
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      clearTimeout(p.timer);
      if (frame.t === 'res') p.resolve(frame.r);
      else p.reject(Object.assign(new Error(`${frame.e?.code}: ${frame.e?.message}`), { wire: frame.e }));
    });
    ws.on('close', () => {
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('WebSocket closed'));
      }
      pending.clear();
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.once('open', () => {
      clearTimeout(timer);
      resolveConn({
        call(m, a = {}, { timeoutMs: callTimeout = 30000 } = {}) {
          const id = nextId++;
          return new Promise((res, rej) => {
            const t = setTimeout(() => {
              pending.delete(id);
              rej(new Error(`${m} timed out after ${callTimeout} ms`));
            }, callTimeout);
            pending.set(id, { resolve: res, reject: rej, timer: t });
            ws.send(JSON.stringify({ t: 'req', id, m, a }));
          });
        },
        close() {
          ws.close();
        },
      });
    });
  });
}

// ---------------------------------------------------------------- misc

export function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** n deterministic, valid, unique nodes (names, unicast locally-administered MACs, addresses). */
export function makeNodes(n) {
  const roles = ['unassigned', 'control-plane', 'worker', 'storage'];
  const racks = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
  const nodes = [];
  for (let i = 0; i < n; i++) {
    const hex = (v) => v.toString(16).padStart(2, '0');
    nodes.push({
      name: `${racks[i % racks.length]}-node-${String(i).padStart(4, '0')}`,
      mac: `52:54:00:${hex((i >> 16) & 0xff)}:${hex((i >> 8) & 0xff)}:${hex(i & 0xff)}`,
      address: `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff || 1}`,
      role: roles[i % roles.length],
      tags: [`rack-${racks[i % racks.length]}`, i % 2 ? 'odd' : 'even'],
    });
  }
  return nodes;
}
