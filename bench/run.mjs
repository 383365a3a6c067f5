#!/usr/bin/env node
/**
 * `npm run bench`: runs every benchmark (or the ones named on the command line), prints a
 * Markdown table per benchmark and writes bench/results/<name>.json. Builds nothing: run
 * `npm run build` first. Not part of the pass/fail test run (DESIGN §9); the exit code is 1 only
 * when a benchmark could not run at all, not when a number misses its target.
 *
 *   node bench/run.mjs                 # all
 *   node bench/run.mjs server-ready    # one
 * Env: BENCH_RUNS (server-ready runs, default 10), BENCH_PAGE_LOADS (ui-nodes, default 5),
 *      CHROMIUM_PATH (default /usr/bin/chromium), BENCH_TFTP_RUNS (tftp, default 5).
 *      BENCH_HTTP_RUNS / BENCH_HTTP_CLIENTS / BENCH_HTTP_MIB (http-assets, defaults 3 / 8 / 1024).
 *      BENCH_STORM_NODES / BENCH_STORM_TIMEOUT_S (boot-storm, defaults 200 / 120; needs root).
 *      BENCH_SSH_RUNS / BENCH_SSH_HOSTS / BENCH_SSH_BIG_HOSTS / BENCH_SSH_BIG_RUNS (ssh-fanout,
 *      defaults 5 / 20 / 100 / 3; needs root and ansible-core).
 *      BENCH_PXE_RUNS / BENCH_PXE_TIMEOUT_S / BENCH_PXE_LOGS (pxe-boot, defaults 3 rounds / 600 s
 *      per boot / no logs kept; needs root, QEMU, dnsmasq, nginx and the lab image; ~4 min a round).
 *      BENCH_COMPOSE_RUNS (compose-up, default 5; needs the Docker Engine and docker-compose).
 */
import { existsSync } from 'node:fs';
import { BenchSkip, SERVER_JS, writeResult } from './lib.mjs';

const BENCHMARKS = {
  'server-ready': () => import('./server-ready.mjs'),
  'ui-nodes': () => import('./ui-nodes.mjs'),
  tftp: () => import('./tftp.mjs'),
  'http-assets': () => import('./http-assets.mjs'),
  'boot-storm': () => import('./boot-storm.mjs'),
  'ssh-fanout': () => import('./ssh-fanout.mjs'),
  'pxe-boot': () => import('./pxe-boot.mjs'),
  'compose-up': () => import('./compose-up.mjs'),
};

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((n) => !(n in BENCHMARKS));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  if (!existsSync(SERVER_JS)) {
    console.error('dist/ is missing: run `npm run build` first, then `npm run bench`.');
    return 2;
  }
  const names = wanted.length ? wanted : Object.keys(BENCHMARKS);
  let failed = 0;
  const summary = [];
  for (const name of names) {
    const started = Date.now();
    process.stderr.write(`running ${name}…\n`);
    try {
      const mod = await BENCHMARKS[name]();
      const result = await mod.run();
      console.log(`${result.table}\n`);
      const file = writeResult(name, result);
      process.stderr.write(`  ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s → ${file}\n\n`);
      for (const m of result.metrics) if (m.target !== null) summary.push(`${m.verdict} ${name}: ${m.name}`);
    } catch (err) {
      if (err instanceof BenchSkip) {
        console.log(`### ${name}\n\nskipped: ${err.message}\n`);
      } else {
        failed++;
        console.log(`### ${name}\n\nERROR: ${err.stack ?? err}\n`);
      }
    }
  }
  if (summary.length) console.log(['Targets:', ...summary.map((s) => `- ${s}`)].join('\n'));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
