/**
 * Loads one lab folder (lab.yaml + its step files) into a Lab, or lists every problem found in
 * it, each located at file:line:column for the author. Nothing is half-loaded: a lab with any
 * problem is not offered to learners.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { labManifestSchema, labNodeNeedSchema, type Lab, type LabIssue, type LabManifest, type LabStep } from '../../../../shared/domain/lab';
import { loadStepFile } from './load-step';
import { placeholderProblems } from './placeholders';
import { schemaIssues, type SchemaContext } from './schema-issues';
import { normalizeText } from './step-file';
import { parseYamlSource, type YamlPath, type YamlSource } from './yaml-source';

export const MANIFEST_FILE = 'lab.yaml';
/** Lab files are hand-written text; anything bigger is a mistake (a binary, a log pasted in). */
const MAX_FILE_BYTES = 1024 * 1024;

const manifestContext: SchemaContext = {
  documentName: MANIFEST_FILE,
  allowedKeys(path: YamlPath) {
    if (path.length === 0) return Object.keys(labManifestSchema.shape);
    if (path.length === 2 && path[0] === 'nodes') return Object.keys(labNodeNeedSchema.shape);
    return null;
  },
};

export type LoadLabResult = { lab: Lab; issues: [] } | { lab: null; issues: LabIssue[] };

export function loadLabFolder(dir: string, source: 'built-in' | 'user'): LoadLabResult {
  const absDir = resolve(dir);
  const folder = basename(absDir);
  const read = readLabFile(absDir, MANIFEST_FILE);
  if (typeof read !== 'string') {
    const what = read.missing
      ? `${MANIFEST_FILE} is missing: every lab folder needs one (id: ${folder}, title, summary, order, estimatedMinutes, nodes, steps). Create it, or remove the folder ${absDir}`
      : read.message;
    return { lab: null, issues: [{ file: MANIFEST_FILE, line: 0, column: 0, message: what }] };
  }
  const parsed = parseYamlSource(MANIFEST_FILE, read);
  if (!parsed.source) return { lab: null, issues: parsed.issues };
  const src = parsed.source;
  const result = labManifestSchema.safeParse(src.value);
  const issues = result.success ? manifestRules(src, result.data, folder) : schemaIssues(result.error, src, manifestContext);
  // Step files are checked even when lab.yaml has problems, so the author sees everything at once.
  const { stepFiles, roles } = result.success ? { stepFiles: result.data.steps, roles: result.data.nodes.map((n) => n.role) } : rawOutline(src.value);
  const steps: LabStep[] = [];
  stepFiles.forEach((file, index) => {
    if (stepFiles.indexOf(file) !== index) {
      issues.push(src.issue(src.placeOf(['steps', index]), `${file} is listed twice in steps: list each step file once`));
      return;
    }
    const text = readLabFile(absDir, file);
    if (typeof text !== 'string') {
      const message = text.missing ? `step file ${file} does not exist: create it in ${join(absDir, 'steps')}, or fix the name here` : text.message;
      issues.push(src.issue(src.placeOf(['steps', index]), message));
      return;
    }
    const loaded = loadStepFile(file, text, index, roles);
    if (loaded.step) steps.push(loaded.step);
    else issues.push(...loaded.issues);
  });
  if (!result.success || issues.length > 0) return { lab: null, issues };
  return { lab: { manifest: result.data, steps, dir: absDir, source }, issues: [] };
}

/** The step files and roles of a lab.yaml that failed validation, as far as they can be read. */
function rawOutline(value: unknown): { stepFiles: string[]; roles: string[] } {
  const raw = (value ?? {}) as { steps?: unknown; nodes?: unknown };
  const stepFiles = Array.isArray(raw.steps) ? raw.steps.filter((s): s is string => typeof s === 'string' && /^steps\/[A-Za-z0-9._-]+\.md$/.test(s)) : [];
  const roles = Array.isArray(raw.nodes) ? raw.nodes.map((n: unknown) => (n as { role?: unknown } | null)?.role).filter((r): r is string => typeof r === 'string') : [];
  return { stepFiles, roles };
}

function manifestRules(src: YamlSource, manifest: LabManifest, folder: string): LabIssue[] {
  const issues: LabIssue[] = [];
  if (manifest.id !== folder) {
    issues.push(src.issue(src.placeOf(['id']), `id "${manifest.id}" does not match the folder name "${folder}": a lab's id is its folder's name. Rename the folder or change the id so they match`));
  }
  const roles = new Set<string>();
  manifest.nodes.forEach((n, i) => {
    if (n.role === 'host') issues.push(src.issue(src.placeOf(['nodes', i, 'role']), 'the role "host" is reserved for this computer (from: host): choose another role name'));
    else if (roles.has(n.role)) issues.push(src.issue(src.placeOf(['nodes', i, 'role']), `the role "${n.role}" is declared twice: give each node its own role`));
    roles.add(n.role);
  });
  manifest.prerequisites.forEach((p, i) => {
    if (p === manifest.id) issues.push(src.issue(src.placeOf(['prerequisites', i]), `this lab names itself as a prerequisite: remove "${p}" from prerequisites`));
  });
  for (const p of placeholderProblems(manifest.realHardware, [...roles])) {
    issues.push(src.issue(src.placeInString(['realHardware'], p.index), `realHardware: ${p.message}`));
  }
  return issues;
}

type ReadProblem = { missing: true } | { missing: false; message: string };

/** The file's text, or why it cannot be used. */
function readLabFile(dir: string, file: string): string | ReadProblem {
  const path = join(dir, file);
  if (!existsSync(path)) return { missing: true };
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return { missing: false, message: `${file} is not a regular file: replace it with a text file` };
    if (stat.size > MAX_FILE_BYTES) return { missing: false, message: `${file} is ${Math.round(stat.size / 1024)} KiB: lab files are text of at most ${MAX_FILE_BYTES / 1024} KiB, shorten it` };
    return normalizeText(readFileSync(path, 'utf8'));
  } catch (err) {
    return { missing: false, message: `${file} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check its permissions` };
  }
}

/** Where `path` is written in a lab's lab.yaml (for problems found later, across labs). */
export function placeInManifest(dir: string, path: YamlPath): { line: number; column: number } {
  const text = readLabFile(resolve(dir), MANIFEST_FILE);
  if (typeof text !== 'string') return { line: 0, column: 0 };
  const parsed = parseYamlSource(MANIFEST_FILE, text);
  return parsed.source ? parsed.source.placeOf(path) : { line: 0, column: 0 };
}
