/**
 * Where a virtual node's files live: <data dir>/vlab/<id>/ holds its disk, console log and QMP
 * socket; destroying the node removes the folder. A unix socket path is limited to 107 bytes, so
 * with a deep data dir the socket moves to a private folder under the system temp dir.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISK_FILE } from './disk';

const MAX_SOCKET_PATH = 100;

export interface VmPaths {
  dir: string;
  disk: string;
  qmp: string;
}

export function vmPaths(dataDir: string, id: string): VmPaths {
  const dir = join(dataDir, 'vlab', id);
  const inDir = join(dir, 'qmp.sock');
  const qmp = inDir.length <= MAX_SOCKET_PATH ? inDir : join(socketFallbackDir(), `${id}.qmp`);
  return { dir, disk: join(dir, DISK_FILE), qmp };
}

function socketFallbackDir(): string {
  return join(tmpdir(), `rackpilot-vlab-${process.getuid?.() ?? 'user'}`);
}

/** The VM's folder, private to this user (the QMP socket controls the VM). */
export function ensureVmDir(paths: VmPaths): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  if (!paths.qmp.startsWith(paths.dir)) mkdirSync(socketFallbackDir(), { recursive: true, mode: 0o700 });
}

export function removeVmFiles(paths: VmPaths): void {
  rmSync(paths.qmp, { force: true });
  rmSync(paths.dir, { recursive: true, force: true });
}
