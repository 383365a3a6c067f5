/**
 * Where labs come from: the built-in folder and the learner's own, read on every call so a lab
 * being written shows its current state (or its problems) on the next refresh. Also finds the
 * repository's assets/labs when the app was given no assets folder (tests, `npm run dev`).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Lab } from '../../../shared/domain/lab';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import { loadLabCatalog, type LabCatalogLoad } from './format/load-catalog';

export class LabSource {
  constructor(
    readonly builtInDir: string,
    readonly userDir: string,
  ) {}

  load(): LabCatalogLoad {
    return loadLabCatalog([
      { dir: this.builtInDir, source: 'built-in' },
      { dir: this.userDir, source: 'user' },
    ]);
  }

  /** The loaded lab; a folder with problems is named with its first one, so the author can fix it. */
  lab(labId: string): Lab {
    const { labs, broken } = this.load();
    const lab = labs.find((l) => l.manifest.id === labId);
    if (lab) return lab;
    const folder = broken.find((b) => basename(b.folder) === labId);
    const first = folder?.issues[0];
    if (folder && first) {
      throw new RackpilotError(ErrorCode.Validation, `Lab ${labId} does not load: ${first.file}${first.line ? `:${first.line}` : ''}: ${first.message}. Fix the lab's files, then refresh the Labs page.`);
    }
    throw new RackpilotError(ErrorCode.NotFound, `There is no lab "${labId}": refresh the Labs page (labs are read from ${this.builtInDir} and ${this.userDir}).`);
  }
}

/** `<assetsDir>/labs`, else the nearest assets/labs above this file (running from the repository), else assets/labs under the working directory. */
export function builtInLabsDir(assetsDir: string | null): string {
  if (assetsDir) return join(assetsDir, 'labs');
  if (typeof __dirname !== 'undefined') {
    for (let dir = __dirname; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'assets', 'labs'))) return join(dir, 'assets', 'labs');
      if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'assets'))) return join(dir, 'assets', 'labs');
      if (dirname(dir) === dir) break;
    }
  }
  return join(process.cwd(), 'assets', 'labs');
}
