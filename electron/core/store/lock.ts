/**
 * One running core per data dir: two would race on jobs and DHCP leases. The lock file holds the
 * owner's pid; a stale lock (owner gone) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, RackpilotError } from '../../../shared/errors';

export interface DataDirLock {
  release(): void;
}

/** Dirs locked by this process: a lock file with our own pid is only stale if it is not here. */
const heldHere = new Set<string>();

export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, 'rackpilot.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      heldHere.add(path);
      return {
        release: () => {
          heldHere.delete(path);
          rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      const ownerAlive = owner === process.pid ? heldHere.has(path) : Number.isInteger(owner) && owner > 0 && isAlive(owner);
      if (ownerAlive) {
        throw new RackpilotError(
          ErrorCode.DataDirLocked,
          `Another Rackpilot (pid ${owner}) is already using ${dataDir}. Close it first, or use a different data directory.`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new RackpilotError(ErrorCode.DataDirLocked, `Could not lock ${dataDir}; another Rackpilot may be starting.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
