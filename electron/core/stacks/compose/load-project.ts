/**
 * The compose loader (DESIGN §6, issue 6 item 2): parse each file keeping positions →
 * interpolate variables (stack variables over .env) → validate each file against what
 * Rackpilot supports → merge the files in order → check references, external resources and
 * profiles → normalize.
 * It never throws for a user's mistake: every problem is an issue with file, path, line and
 * column, and the project is null when any issue is an error.
 */
import { interpolateTree } from './interpolate';
import { finishIssues, Issues, wholeFile } from './issues';
import { mergeComposeFiles } from './merge';
import type { LoadProjectInput, LoadProjectResult } from './model';
import { normalizeProject } from './normalize';
import { checkReferences, selectServices } from './references';
import { valueOf, type MapNode } from './source-node';
import { checkMergedResources, validateComposeFile } from './validate';
import { DOTENV_FILE, projectLookup } from './variables';
import { parseComposeYaml } from './yaml-source';

export function loadComposeProject(input: LoadProjectInput): LoadProjectResult {
  const issues = new Issues();
  const fileOrder = [...input.files.map((f) => f.name), DOTENV_FILE];
  const finish = (project: LoadProjectResult['project']): LoadProjectResult => ({ project, issues: finishIssues(issues.list, fileOrder) });
  const mainFile = input.files[0]?.name ?? 'compose.yaml';
  if (input.files.length === 0) {
    issues.error(wholeFile(mainFile), 'The stack has no compose file: add compose.yaml.');
    return finish(null);
  }

  const lookup = projectLookup(input.envFile, input.variables, issues);
  const roots: MapNode[] = [];
  for (const file of input.files) {
    const parsed = parseComposeYaml(file.name, file.content, issues);
    if (!parsed) continue;
    const interpolated = interpolateTree(parsed, lookup, issues);
    validateComposeFile(interpolated, issues);
    if (interpolated.kind === 'map') roots.push(interpolated);
  }
  if (issues.hasErrors) return finish(null);

  const merged = mergeComposeFiles(roots);
  checkReferences(merged, mainFile, issues);
  checkMergedResources(merged, issues);
  warnOtherName(merged, input.projectName, issues);
  const running = selectServices(merged, input.profiles, issues);
  if (issues.hasErrors) return finish(null);

  const project = normalizeProject(merged, running, {
    projectName: input.projectName,
    workingDir: input.workingDir,
    configFiles: input.files.map((f) => f.name),
    lookup,
    readFile: input.readFile,
    issues,
  });
  return finish(issues.hasErrors ? null : project);
}

/** The stack's name is the project name (as `docker compose -p` overrides the file's `name:`). */
function warnOtherName(root: MapNode, projectName: string, issues: Issues): void {
  const name = valueOf(root, 'name');
  if (name?.kind === 'scalar' && typeof name.value === 'string' && name.value !== projectName) {
    issues.warning(name.at, `name: ${name.value} is not used: this stack's project name is its stack name, ${projectName}. Remove name: or make it ${projectName}.`);
  }
}
