// Builds the bind-device addon at `npm ci` (root package "install" script). Linux only: that is
// the one OS whose kernel has SO_BINDTODEVICE; elsewhere the DHCP responder reports clearly that
// it cannot pin itself to one interface, and nothing here fails the install.
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.platform !== 'linux') {
  console.log('bind-device: skipped (SO_BINDTODEVICE exists on Linux only)');
  process.exit(0);
}
const here = dirname(fileURLToPath(import.meta.url));
// npm puts its bundled node-gyp on PATH for lifecycle scripts; outside npm fall back to npx.
const gyp = process.env.npm_config_node_gyp
  ? [process.execPath, [process.env.npm_config_node_gyp, 'rebuild']]
  : ['npx', ['--yes', 'node-gyp', 'rebuild']];
const run = spawnSync(gyp[0], gyp[1], { cwd: here, stdio: 'inherit' });
if (run.status !== 0) {
  console.error('bind-device: build failed. Install a C toolchain (apt-get install build-essential python3) and run npm rebuild.');
  process.exit(run.status ?? 1);
}
