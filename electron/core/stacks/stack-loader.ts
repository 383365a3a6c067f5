/**
 * Loading a stack's files into a compose project, with the working directory and file access of
 * where it runs. For the editor (get, save, validate) the project only has to yield issues; for
 * plan and apply on a node it is the real thing: the working dir is the stack's folder on the
 * node, and env_files are read from the node over SSH (the loader reads synchronously, so they
 * are fetched first: one pass finds which files it asks for, a second pass uses them).
 */
import { readFileSync } from 'node:fs';
import type { ComposeIssue } from '../../../shared/domain/stack';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { SshService } from '../ssh/ssh-service';
import type { SshTarget } from '../ssh/target';
import { finishIssues } from './compose/issues';
import { loadComposeProject } from './compose/load-project';
import type { ComposeProject, LoadProjectInput } from './compose/model';
import { composeFileNames, type NodeWorkspace } from './node-workspace';
import { overrideIssues } from './override-checks';
import { redactor, secretValues } from './secrets';
import type { StackPlace } from './stack-place';
import { COMPOSE_FILE, type StackStore, type StoredStack } from './stack-store';

export interface LoadedStack {
  project: ComposeProject | null;
  issues: ComposeIssue[];
}

/** An env_file is configuration, not data: anything larger is a mistake worth naming. */
const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** compose.yaml, then its override files in order: `docker compose -f compose.yaml -f <override>…`. */
function input(name: string, workingDir: string, stack: StoredStack, readFile: (path: string) => string): LoadProjectInput {
  const { compose, overrides, env, variables, profiles } = stack.files;
  const files = [{ name: COMPOSE_FILE, content: compose }, ...overrides];
  return { projectName: name, workingDir, files, envFile: env, variables, profiles, readFile };
}

/** The compose loader, plus what docker compose on the node would refuse in an override file. */
function load(stack: StoredStack, project: LoadProjectInput): LoadedStack {
  const loaded = loadComposeProject(project);
  const extra = overrideIssues(stack.files.overrides);
  if (!extra.length) return loaded;
  const issues = finishIssues([...loaded.issues, ...extra], [...composeFileNames(stack.files), '.env']);
  return { project: extra.some((i) => i.severity === 'error') ? null : loaded.project, issues };
}

/**
 * For the editor. Local stacks read env_files from this computer; a node's stack cannot reach the
 * node synchronously, so its env_files read as empty here and are checked when planning.
 */
export function loadForEditor(store: StackStore, place: StackPlace, name: string, stack: StoredStack): LoadedStack {
  const dir = store.folder(place.nodeId, name);
  const readFile = place.target ? () => '' : (path: string) => readFileSync(path, 'utf8');
  return masked(stack, load(stack, input(name, dir, stack, readFile)));
}

/** A stack's files as they would load anywhere: the `validate` method (no node, no files). */
export function loadDetached(name: string, stack: StoredStack): LoadedStack {
  return masked(stack, load(stack, input(name, `/rackpilot/preview/${name}`, stack, () => '')));
}

/**
 * Issue messages quote the values they complain about — after interpolation, so a password put
 * where a port belongs would be shown (and, through plan's error, sent) in clear: mask secrets.
 */
function masked(stack: StoredStack, loaded: LoadedStack): LoadedStack {
  const redact = redactor(secretValues(stack));
  return { project: loaded.project, issues: loaded.issues.map((i) => ({ ...i, message: redact(i.message) })) };
}

/** The project to plan and apply; throws E_VALIDATION listing the issues when the files have errors. */
export async function loadForEngine(
  deps: { store: StackStore; ssh: SshService; workspace: NodeWorkspace },
  place: StackPlace,
  name: string,
  stack: StoredStack,
  signal?: AbortSignal,
): Promise<ComposeProject> {
  let loaded: LoadedStack;
  if (!place.target) {
    loaded = load(stack, input(name, deps.store.folder(place.nodeId, name), stack, (path) => readFileSync(path, 'utf8')));
  } else {
    const dir = await deps.workspace.folder(place.target, name, signal);
    const wanted = new Set<string>();
    loaded = load(
      stack,
      input(name, dir, stack, (path) => {
        wanted.add(path);
        return '';
      }),
    );
    if (wanted.size) {
      const fetched = await fetchEnvFiles(deps.ssh, place.target, [...wanted], signal);
      loaded = load(
        stack,
        input(name, dir, stack, (path) => {
          const got = fetched.get(path);
          if (typeof got === 'string') return got;
          throw new Error(got?.error ?? `not found on ${place.label}`);
        }),
      );
    }
  }
  if (!loaded.project) throw invalidStack(name, masked(stack, loaded).issues);
  return loaded.project;
}

async function fetchEnvFiles(ssh: SshService, target: SshTarget, paths: string[], signal?: AbortSignal): Promise<Map<string, string | { error: string }>> {
  const out = new Map<string, string | { error: string }>();
  for (const path of paths) {
    const r = await ssh.run(target, `cat -- '${path.replace(/'/g, `'\\''`)}'`, { signal, timeoutMs: 30_000, keepBytes: MAX_ENV_FILE_BYTES + 1 });
    if (r.exitCode !== 0) out.set(path, { error: r.stderr.trim().replace(/^cat: /, '') || `exit ${r.exitCode}` });
    else if (r.stdoutDropped > 0 || r.stdout.length > MAX_ENV_FILE_BYTES) out.set(path, { error: 'larger than 1 MiB' });
    else out.set(path, r.stdout);
  }
  return out;
}

export function invalidStack(name: string, issues: ComposeIssue[]): RackpilotError {
  const errors = issues.filter((i) => i.severity === 'error');
  const first = errors[0];
  // Issue messages end with a full stop; this one adds its own.
  const where = first ? `${first.file}${first.line ? `:${first.line}:${first.column ?? 1}` : ''}: ${first.message.replace(/\.$/, '')}` : 'unknown problem';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new RackpilotError(ErrorCode.Validation, `Stack ${name} cannot be applied: ${where}${more}. Fix the files in the editor, save, then plan again.`, { issues });
}
