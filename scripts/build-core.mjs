// Bundles the core and its two faces for plain Node / Electron with esbuild. Type checking is
// `npm run typecheck`'s job; this only has to be fast. Dependencies stay external (better-sqlite3
// is a native addon; electron is provided by the runtime).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = ['electron/server.ts', 'electron/main.ts', 'electron/preload.ts'].filter((f) => existsSync(f));

await Promise.all(
  entries.map((entry) =>
    build({
      entryPoints: [entry],
      outfile: entry.replace(/^electron\//, 'dist/electron/').replace(/\.ts$/, '.cjs'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'warning',
    }),
  ),
);
console.log(`built ${entries.length} core bundle(s) into dist/electron`);
