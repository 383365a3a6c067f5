/**
 * Temp dirs for tests, removed after each test file (temp-dirs.setup.ts) and when the process
 * exits — also the ones a test forgot, or could not remove because it failed half-way — so test
 * runs do not fill /tmp. A dir with a mount point
 * inside is left alone (removing it would reach into the mounted file system), and
 * RACKPILOT_KEEP_TEMP=1 keeps everything for a post-mortem.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';

const made = new Set<string>();

export function tempDir(prefix = 'rackpilot-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.size === 0) process.once('exit', removeTempDirs);
  made.add(dir);
  return dir;
}

export function removeTempDirs(): void {
  if (process.env.RACKPILOT_KEEP_TEMP) return;
  const mounts = mountPoints();
  for (const dir of made) {
    if (mounts.some((m) => m === dir || m.startsWith(dir + sep))) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
      made.delete(dir);
    } catch {
      // Exiting anyway: a dir that cannot go (still busy) is not worth failing the run for.
    }
  }
}

/** Mount points of this process's mount namespace (field 5 of /proc/self/mountinfo, octal-escaped). */
function mountPoints(): string[] {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4] ?? '')
      .filter(Boolean)
      .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  } catch {
    return [];
  }
}
