/**
 * Loads every lab folder under the given roots (built-in labs first, then the learner's own):
 * the labs that load, sorted by order then id, and the folders that do not, with their
 * problems. Rules across labs live here: an id is taken by the first root that has it (a
 * built-in lab wins over a user lab), and prerequisites must name labs that loaded.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { BrokenLab, Lab, LabIssue } from '../../../../shared/domain/lab';
import { loadLabFolder, MANIFEST_FILE, placeInManifest } from './load-lab';

export interface LabRoot {
  dir: string;
  source: 'built-in' | 'user';
}

export interface LabCatalogLoad {
  labs: Lab[];
  /** `folder` is the folder's absolute path; each issue's file is relative to it. */
  broken: BrokenLab[];
}

export function loadLabCatalog(roots: LabRoot[]): LabCatalogLoad {
  const byId = new Map<string, Lab>();
  const broken: BrokenLab[] = [];
  for (const root of roots) {
    for (const dir of labFolders(root.dir)) {
      const loaded = loadLabFolder(dir, root.source);
      if (!loaded.lab) {
        broken.push({ folder: dir, source: root.source, issues: loaded.issues });
        continue;
      }
      const owner = byId.get(loaded.lab.manifest.id);
      if (owner) {
        const by = owner.source === 'built-in' ? 'a built-in lab' : `the lab in ${owner.dir}`;
        broken.push({ folder: dir, source: root.source, issues: [manifestIssue(dir, ['id'], `id "${loaded.lab.manifest.id}" is taken by ${by}: rename this folder and its id to something else`)] });
        continue;
      }
      byId.set(loaded.lab.manifest.id, loaded.lab);
    }
  }
  // A lab whose prerequisite did not load is broken too, which may break labs that need it: repeat until stable.
  for (let changed = true; changed; ) {
    changed = false;
    for (const lab of [...byId.values()]) {
      const issues = lab.manifest.prerequisites.flatMap((p, i): LabIssue[] => {
        if (byId.has(p)) return [];
        const isBroken = broken.some((b) => basename(b.folder) === p);
        const why = isBroken ? `the lab "${p}" has problems of its own: fix it first (it is listed as broken)` : `no lab has the id "${p}": use the id (folder name) of an existing lab, or remove it`;
        return [manifestIssue(lab.dir, ['prerequisites', i], `prerequisite "${p}" is not a lab that loaded: ${why}`)];
      });
      if (issues.length === 0) continue;
      byId.delete(lab.manifest.id);
      broken.push({ folder: lab.dir, source: lab.source, issues });
      changed = true;
    }
  }
  const labs = [...byId.values()].sort((a, b) => a.manifest.order - b.manifest.order || a.manifest.id.localeCompare(b.manifest.id));
  return { labs, broken };
}

/** Sub-folders of a root, by name; a missing root holds no labs. Hidden folders are skipped (editors, git). */
function labFolders(root: string): string[] {
  const dir = resolve(root);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || (e.isSymbolicLink() && isDirectory(join(dir, e.name)))))
    .map((e) => join(dir, e.name))
    .sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a dangling link
  }
}

function manifestIssue(dir: string, path: (string | number)[], message: string): LabIssue {
  return { file: MANIFEST_FILE, ...placeInManifest(dir, path), message };
}
