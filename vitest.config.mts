import { defineConfig } from 'vitest/config';

// Three vitest tiers (DESIGN §8): unit tests are fast and need no privileges; integration tests
// (`*.int.test.ts`) start real daemons and sockets; lab tests (`*.lab.test.ts`) boot QEMU nodes
// on namespaced networks as root, one file at a time (they use the real DHCP/TFTP ports).
/** Removes the temp dirs each test file made (electron/core/testing/temp-dirs.ts). */
const TEMP_DIRS = './electron/core/testing/temp-dirs.setup.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,electron,renderer,scripts}/**/*.test.{ts,tsx}'],
          exclude: ['**/*.int.test.ts', '**/*.lab.test.ts', '**/node_modules/**'],
          environment: 'node',
          setupFiles: [TEMP_DIRS],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{shared,electron,renderer,scripts}/**/*.int.test.ts'],
          environment: 'node',
          setupFiles: [TEMP_DIRS],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['{electron,scripts}/**/*.lab.test.ts'],
          environment: 'node',
          setupFiles: [TEMP_DIRS],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
