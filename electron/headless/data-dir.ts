/** Where the headless server keeps its data when --data-dir is not given: the OS's app-data place. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Rackpilot');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Rackpilot');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'rackpilot');
}
