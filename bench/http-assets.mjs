/**
 * HTTP assets: one 1 GiB file to 8 parallel curl clients over loopback, Rackpilot's boot HTTP
 * server vs nginx (sendfile on, access log off), in the same run, runs interleaved so machine
 * noise hits both alike. Throughput = bytes delivered to all clients / wall time until the last
 * client finished. Target (issue 3): Rackpilot ≥ 0.8× nginx (median of runs).
 *
 * Rackpilot's server is bundled from source with esbuild into a temp file and runs in its own
 * Node process (as nginx runs in its own), serving the file from a directory with the same
 * path-safe resolver the asset cache uses. Needs: curl, nginx (apt-get install nginx-light).
 * Env: BENCH_HTTP_RUNS (default 3), BENCH_HTTP_CLIENTS (default 8), BENCH_HTTP_MIB (default 1024).
 */
import { spawn, spawnSync } from 'node:child_process';
import { openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { BenchSkip, ROOT, cpuBusy, environment, markdownTable, median, metric, tempDir } from './lib.mjs';

export const name = 'http-assets';
const RUNS = Number(process.env.BENCH_HTTP_RUNS ?? 3);
const CLIENTS = Number(process.env.BENCH_HTTP_CLIENTS ?? 8);
const MIB = Number(process.env.BENCH_HTTP_MIB ?? 1024);
const TARGET_RATIO = 0.8;

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd} || ls /usr/sbin/${cmd} 2>/dev/null`], { encoding: 'utf8' });
  return r.stdout.trim().split('\n')[0] || null;
}

/** Real (non-sparse) data, so neither server is reading holes: a 16 MiB random block repeated. */
function makeFile(dir) {
  const path = join(dir, 'assets', 'big.iso');
  spawnSync('mkdir', ['-p', join(dir, 'assets')]);
  const block = randomBytes(16 * 1024 * 1024);
  const fd = openSync(path, 'w');
  for (let i = 0; i < MIB / 16; i++) writeSync(fd, block);
  closeSync(fd);
  return path;
}

function waitForLine(child, re, what, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), timeoutMs);
    const onData = (c) => {
      out += c.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${out}`));
    });
  });
}

async function startRackpilot(dir) {
  const entry = join(dir, 'rackpilot-entry.ts');
  writeFileSync(
    entry,
    `import { startBootHttpServer } from ${JSON.stringify(join(ROOT, 'electron/core/boot/http/boot-http-server.ts'))};
import { directoryResolver } from ${JSON.stringify(join(ROOT, 'electron/core/files/safe-path.ts'))};
import { createLogger } from ${JSON.stringify(join(ROOT, 'electron/core/log.ts'))};
const inventory = { timeline() {} };
startBootHttpServer({ host: '127.0.0.1', port: 0, inventory, profiles: { render() { throw new Error('no profiles'); } },
  assets: directoryResolver(${JSON.stringify(join(dir, 'assets'))}), adminPublicKeys: [], log: createLogger('warn') })
  .then((s) => console.log('LISTENING ' + s.port));
`,
  );
  const out = join(dir, 'rackpilot-boot-http.cjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: out, logLevel: 'error' });
  const child = spawn(process.execPath, [out], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  const m = await waitForLine(child, /LISTENING (\d+)/, 'Rackpilot boot HTTP server');
  return { port: Number(m[1]), stop: () => stopChild(child) };
}

async function startNginx(nginx, dir) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes auto;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  server {
    listen 127.0.0.1:${port};
    location /assets/ { root ${dir}; }
  }
}
`,
  );
  const child = spawn(nginx, ['-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // nginx prints nothing when it starts: poll the port.
  const started = performance.now();
  for (;;) {
    const r = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/assets/`], { encoding: 'utf8' });
    if (r.stdout && r.stdout !== '000') break;
    if (child.exitCode !== null) throw new Error(`nginx exited: ${spawnSync('cat', [`${dir}/nginx-error.log`], { encoding: 'utf8' }).stdout}`);
    if (performance.now() - started > 10000) throw new Error('nginx did not start');
    await new Promise((r2) => setTimeout(r2, 50));
  }
  return { port, stop: () => stopChild(child) };
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

/** CLIENTS curls at once; resolves with MiB/s over the wall time of the slowest. */
async function storm(port, size) {
  const url = `http://127.0.0.1:${port}/assets/big.iso`;
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: CLIENTS }, () =>
      new Promise((resolve, reject) => {
        const c = spawn('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', url], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`curl exited ${code}`))));
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const r of results) {
    const [status, bytes] = r.split(' ');
    if (status !== '200' || Number(bytes) !== size) throw new Error(`a client got ${r} instead of 200 ${size}`);
  }
  return (CLIENTS * size) / 1048576 / seconds;
}

export async function run() {
  const nginx = which('nginx');
  if (!which('curl')) throw new BenchSkip('curl is not installed (apt-get install curl).');
  if (!nginx) throw new BenchSkip('nginx is not installed (apt-get install nginx-light): it is the peer this benchmark compares with.');
  const busyBefore = await cpuBusy();
  const dir = tempDir();
  const file = makeFile(dir);
  const size = MIB * 1048576;
  const servers = { rackpilot: await startRackpilot(dir), nginx: await startNginx(nginx, dir) };
  const samples = { rackpilot: [], nginx: [] };
  try {
    // Warm-up: page cache and both servers' first-request paths.
    await storm(servers.nginx.port, size);
    await storm(servers.rackpilot.port, size);
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 ? ['rackpilot', 'nginx'] : ['nginx', 'rackpilot'];
      for (const who of order) samples[who].push(await storm(servers[who].port, size));
    }
  } finally {
    await servers.rackpilot.stop();
    await servers.nginx.stop();
  }
  const ratios = samples.rackpilot.map((r, i) => r / samples.nginx[i]);
  const ratio = median(samples.rackpilot) / median(samples.nginx);
  const metrics = [
    metric(`Rackpilot boot HTTP, ${CLIENTS} clients`, samples.rackpilot, { unit: 'MiB/s' }),
    metric(`${spawnSync(nginx, ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '')} (sendfile), ${CLIENTS} clients`, samples.nginx, { unit: 'MiB/s' }),
    metric('ratio per run (Rackpilot / nginx)', ratios, { unit: '×' }),
  ];
  const verdict = ratio >= TARGET_RATIO ? 'PASS' : 'FAIL';
  const summary = { ...metric('throughput ratio of medians', [ratio], { unit: '×' }), target: TARGET_RATIO, verdict };
  const table = markdownTable(
    `HTTP assets: ${MIB} MiB file × ${CLIENTS} parallel curl clients over loopback (${RUNS} runs each, interleaved)`,
    metrics,
    [`Ratio of medians Rackpilot / nginx: **${ratio.toFixed(2)}×** — target ≥ ${TARGET_RATIO}× → **${verdict}**.`, `Throughput = ${CLIENTS} × file size / wall time until the last client finished; file in page cache.`],
    { busyBefore },
  );
  return { name, env: environment(), file, metrics: [...metrics, summary], table };
}
