/**
 * Where the headless server keeps its data when --data-dir is not given: the same folder the
 * Electron app uses (its `userData`), so `npm start` finds the same inventory whether it opened
 * the desktop window or fell back to the headless server.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'Rackpilot');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Rackpilot');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Rackpilot');
}
