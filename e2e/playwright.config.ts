/**
 * UI tests: Debian Chromium drives the real renderer against the real headless server
 * (DESIGN §8). `npm run build` must have run first (scripts/test.mjs does it).
 */
import { defineConfig } from '@playwright/test';

// Paths are relative to this file.

export default defineConfig({
  testDir: './ui',
  outputDir: './artifacts/test-results',
  workers: 1,
  retries: 0,
  // scripts/test.mjs asks for a JSON report (PLAYWRIGHT_JSON_OUTPUT_NAME) to count results.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    headless: true,
    viewport: { width: 1360, height: 820 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
