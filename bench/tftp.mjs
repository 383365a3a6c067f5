/**
 * TFTP: one 32 MiB file, blksize 1468, downloaded by atftp (the Debian client that speaks RFC 7440
 * windowsize) from Rackpilot's server, tftpd-hpa and dnsmasq's TFTP, at windowsize 1 and 16.
 * Runs are interleaved (server × windowsize per round) so machine noise hits every peer alike;
 * the table gives medians and the ratio of medians vs tftpd-hpa at the same windowsize.
 * Targets (issue 3): ≥ 1.0× tftpd-hpa at windowsize 1, ≥ 3× tftpd-hpa with windowsize 16.
 *
 * Peers that do not implement windowsize are asked for it anyway — atftp then falls back to
 * lock-step, as a real client would — and the table says so (checked by a raw option probe).
 * dnsmasq cannot move its TFTP port off 69, so it listens on 127.0.0.1:69 and is skipped (with
 * the reason) when that port is taken or not bindable.
 * Needs: apt-get install atftp tftpd-hpa dnsmasq-base. Env: BENCH_TFTP_RUNS (default 5).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { BenchSkip, ROOT, cpuBusy, environment, isMainModule, loadWarning, median, metric, removeTempDir, runStandalone, tempDir, withTimeout } from './lib.mjs';

export const name = 'tftp';
const RUNS = Number(process.env.BENCH_TFTP_RUNS ?? 5);
const FILE_BYTES = 32 * 1024 * 1024;
const BLKSIZE = 1468;
const WINDOWS = [1, 16];
const TARGETS = { 1: 1.0, 16: 3.0 };
const ADDON = join(ROOT, 'native', 'bind-device', 'build', 'Release', 'bind_device.node');
const BIN = { atftp: '/usr/bin/atftp', tftpd: '/usr/sbin/in.tftpd', dnsmasq: '/usr/sbin/dnsmasq' };

const children = new Set();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function spawnDaemon(cmd, args, env) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  children.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.once('exit', (code, sig) => r(code ?? sig)));
  exited.then(() => children.delete(child));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await withTimeout(exited, 5000, `${cmd} exit`).catch(() => child.kill('SIGKILL'));
      }
    },
  };
}

function freeUdpPort() {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Can we bind 127.0.0.1:69 (for dnsmasq)? Returns null or the reason not. */
function port69Problem() {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', (err) => resolve(`127.0.0.1:69 is not bindable (${err.code}); dnsmasq's TFTP port is fixed at 69`));
    s.bind(69, '127.0.0.1', () => s.close(() => resolve(null)));
  });
}

/**
 * Sends an RRQ asking for windowsize 16 and reports the OACK options (null on timeout), then ends
 * the probe with ERROR 8. Doubles as the "is it up yet" check.
 */
function probeOptions(port, file, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      resolve(null);
    }, timeoutMs);
    s.on('message', (msg, from) => {
      clearTimeout(t);
      const options = {};
      if (msg.readUInt16BE(0) === 6) {
        const f = msg.subarray(2).toString('latin1').split('\0');
        for (let i = 0; i + 1 < f.length; i += 2) options[f[i]] = f[i + 1];
      }
      s.send(Buffer.from('\0\x05\0\x08probe\0', 'latin1'), from.port, '127.0.0.1', () => s.close());
      resolve(options);
    });
    const rrq = Buffer.from(`\0\x01${file}\0octet\0blksize\0${BLKSIZE}\0windowsize\x0016\0tsize\x000\0`, 'latin1');
    s.send(rrq, port, '127.0.0.1');
  });
}

async function waitUp(port, file, daemon) {
  for (let i = 0; i < 50; i++) {
    const got = await probeOptions(port, file, 200);
    if (got) return got;
    if (daemon.child.exitCode !== null) break;
  }
  throw new Error(`server on port ${port} did not answer:\n${daemon.output()}`);
}

async function bundleRackpilotServer(dir) {
  const entry = `
    import { startTftpServer } from './electron/core/boot/tftp/index.ts';
    import { canBatchSend } from './electron/core/boot/tftp/batch-send.ts';
    const [root, port] = process.argv.slice(2);
    console.log(canBatchSend() ? 'batch-send: sendmmsg' : 'batch-send: unavailable');
    const log = { debug() {}, info() {}, warn: (m, f) => console.error(m, f ?? ''), error: (m, f) => console.error(m, f ?? '') };
    const s = await startTftpServer({ host: '127.0.0.1', port: Number(port), roots: [root], log });
    process.on('SIGTERM', () => s.close().then(() => process.exit(0)));
  `;
  const outfile = join(dir, 'rackpilot-tftp.mjs');
  await build({ stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'error' });
  return outfile;
}

/** One download; returns seconds (process spawn → exit), checking the size that arrived. */
function download(port, windowsize, dest) {
  return new Promise((resolve, reject) => {
    const args = ['-g', '-r', 'big.bin', '-l', dest, '--option', `blksize ${BLKSIZE}`, '--option', `windowsize ${windowsize}`, '127.0.0.1', String(port)];
    const t0 = performance.now();
    const child = spawn(BIN.atftp, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const secs = (performance.now() - t0) / 1000;
      const size = existsSync(dest) ? statSync(dest).size : -1;
      if (code !== 0 || size !== FILE_BYTES) reject(new Error(`atftp from port ${port} (ws ${windowsize}) exited ${code}, got ${size} bytes: ${err}`));
      else resolve(secs);
    });
  });
}

export async function run() {
  const missing = Object.entries(BIN).filter(([, p]) => !existsSync(p)).map(([k]) => k);
  if (missing.length) throw new BenchSkip(`missing ${missing.join(', ')}: apt-get install atftp tftpd-hpa dnsmasq-base`);
  const busyBefore = await cpuBusy();
  const dir = tempDir('rackpilot-bench-tftp-');
  const root = join(dir, 'root');
  const out = join(dir, 'out.bin');
  const servers = [];
  try {
    // dnsmasq drops to nobody: the root must be world-readable.
    chmodSync(dir, 0o755);
    await import('node:fs').then((fs) => fs.mkdirSync(root, { mode: 0o755 }));
    writeFileSync(join(root, 'big.bin'), randomBytes(FILE_BYTES), { mode: 0o644 });

    const rpPort = await freeUdpPort();
    // The bundle lives in a temp dir, so it is told where the native addon (one syscall per window) is.
    const rp = spawnDaemon(process.execPath, [await bundleRackpilotServer(dir), root, String(rpPort)], { RACKPILOT_BIND_DEVICE_ADDON: ADDON });
    servers.push({ name: 'Rackpilot', port: rpPort, daemon: rp });
    const hpaPort = await freeUdpPort();
    const hpa = spawnDaemon(BIN.tftpd, ['-L', '-s', root, '--address', `127.0.0.1:${hpaPort}`]);
    servers.push({ name: 'tftpd-hpa', port: hpaPort, daemon: hpa });
    const dnsmasqProblem = await port69Problem();
    if (!dnsmasqProblem) {
      const dm = spawnDaemon(BIN.dnsmasq, [
        '--no-daemon', '--conf-file=/dev/null', '--port=0', '--enable-tftp', `--tftp-root=${root}`,
        '--listen-address=127.0.0.1', '--bind-interfaces', `--pid-file=${join(dir, 'dnsmasq.pid')}`, '--quiet-tftp',
      ]);
      servers.push({ name: 'dnsmasq', port: 69, daemon: dm });
    }
    for (const s of servers) {
      const oack = await waitUp(s.port, 'big.bin', s.daemon);
      s.windowsize = oack.windowsize === '16';
      s.samples = { 1: [], 16: [] };
    }
    // Warm-up: page cache, JIT.
    for (const s of servers) await download(s.port, 1, out);

    for (let i = 0; i < RUNS; i++) {
      for (const ws of WINDOWS) for (const s of servers) s.samples[ws].push(await download(s.port, ws, out));
    }

    const ref = servers.find((s) => s.name === 'tftpd-hpa');
    const rows = [];
    const metrics = [];
    for (const ws of WINDOWS) {
      for (const s of servers) {
        const med = median(s.samples[ws]);
        const ratio = median(ref.samples[ws]) / med; // > 1 = faster than tftpd-hpa
        const negotiated = ws === 1 ? '1' : s.windowsize ? '16' : 'not supported → 1';
        const target = s.name === 'Rackpilot' ? TARGETS[ws] : null;
        const verdict = target === null ? '—' : ratio >= target ? 'PASS' : 'FAIL';
        rows.push(`| ${s.name} | ${ws} | ${negotiated} | ${s.samples[ws].length} | ${med.toFixed(3)} s | ${(FILE_BYTES / 1048576 / med).toFixed(1)} MiB/s | ${ratio.toFixed(2)}× | ${target === null ? '—' : `≥ ${target}×`} | ${verdict} |`);
        metrics.push({ ...metric(`${s.name} windowsize ${ws}`, s.samples[ws], { unit: 's', note: `${ratio.toFixed(2)}× tftpd-hpa` }), target, verdict, ratioVsTftpdHpa: ratio, windowsizeNegotiated: negotiated });
      }
    }
    const title = `TFTP download, 32 MiB, blksize ${BLKSIZE}, client atftp 0.8 (loopback)`;
    const lines = [
      `### ${title}`,
      '',
      '| server | windowsize asked | granted | runs | median | throughput | vs tftpd-hpa | target | verdict |',
      '|---|---:|---|---:|---:|---:|---:|---:|---|',
      ...rows,
      '',
      `Ratio = median time of tftpd-hpa / median time of the server, same windowsize asked, ${RUNS} interleaved rounds; times are atftp process spawn → exit.`,
      `Rackpilot sends DATA ${rp.output().includes('batch-send: sendmmsg') ? 'a window per syscall (native addon: UDP GSO, else sendmmsg)' : 'packet by packet through dgram (native addon not loaded)'}.`,
      ...(dnsmasqProblem ? [`dnsmasq skipped: ${dnsmasqProblem}.`] : []),
      ...[loadWarning(busyBefore)].filter(Boolean),
    ];
    const result = { name, title, environment: { ...environment(), cpuBusyBefore: busyBefore }, runs: RUNS, metrics };
    return { ...result, table: lines.join('\n') };
  } finally {
    for (const s of servers) await s.daemon.stop();
    removeTempDir(dir);
  }
}

if (isMainModule(import.meta.url)) runStandalone(run);
