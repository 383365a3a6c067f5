// `npm test`: every tier in order — typecheck, lint, build, vitest (unit + integration), UI
// (Playwright + Debian Chromium against the real headless server). Stops at the first failing
// stage and ends with one summary line of test counts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
mkdirSync('test-results', { recursive: true });

const stages = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', cmd: ['npx', 'eslint', '--max-warnings', '0', '.'] },
  { name: 'build', cmd: ['npm', 'run', '--silent', 'build'] },
  {
    name: 'unit + integration (vitest)',
    cmd: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json'],
    report: 'test-results/vitest.json',
  },
  {
    name: 'ui (playwright + chromium)',
    cmd: ['npx', 'playwright', 'test', '-c', 'e2e/playwright.config.ts'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: resolve('test-results/playwright.json') },
    report: resolve('test-results/playwright.json'),
    needs: () => (existsSync(CHROMIUM) ? null : `Debian Chromium is missing at ${CHROMIUM}: run sudo scripts/setup-system.sh (or apt-get install chromium)`),
  },
];

let passed = 0;
let failed = 0;
const t0 = Date.now();
for (const stage of stages) {
  const missing = stage.needs?.();
  if (missing) {
    console.error(`\n✗ ${stage.name}: ${missing}`);
    failed++;
    break;
  }
  if (stage.report) rmSync(stage.report, { force: true });
  console.log(`\n=== ${stage.name} ===`);
  const started = Date.now();
  const run = spawnSync(stage.cmd[0], stage.cmd.slice(1), { stdio: 'inherit', env: { ...process.env, ...stage.env } });
  const counts = stage.report ? readCounts(stage.report) : null;
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status !== 0) {
    console.error(`✗ ${stage.name} failed (exit ${run.status ?? run.signal}) after ${secs} s`);
    if (!counts?.failed) failed++;
    break;
  }
  console.log(`✓ ${stage.name} (${secs} s${counts ? `, ${counts.passed} passed` : ''})`);
}
console.log(`\nnpm test took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

/** Test counts from vitest's or Playwright's JSON report. */
function readCounts(path) {
  if (!existsSync(path)) return null;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof report.numPassedTests === 'number') {
    return { passed: report.numPassedTests, failed: report.numFailedTests };
  }
  if (report.stats) return { passed: report.stats.expected ?? 0, failed: (report.stats.unexpected ?? 0) + (report.stats.flaky ?? 0) };
  return null;
}
