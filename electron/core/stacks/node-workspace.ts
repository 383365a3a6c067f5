/**
 * The stack's folder on a node: `~/rackpilot/stacks/<name>/`, where Rackpilot mirrors the
 * compose.yaml, override files and .env it applies, so `docker compose` run in that folder on
 * the node sees the same project (its labels name this folder as the working directory). The
 * .env sent there also carries what docker compose on the node has no other way to get:
 * Rackpilot's per-stack variables (so it is written 0600), and COMPOSE_FILE / COMPOSE_PROFILES
 * naming the files and profiles Rackpilot merged — docker compose only finds
 * compose.override.yaml by itself, and both v1 (1.29) and v2 read COMPOSE_* from the project's .env.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { overrideFileNameSchema, type StackFiles } from '../../../shared/domain/stack';
import { RackpilotError } from '../../../shared/errors';
import type { SshService } from '../ssh/ssh-service';
import { describeTarget, targetKey, type SshTarget } from '../ssh/target';
import { envLine } from './env-file';
import { COMPOSE_FILE, ENV_FILE } from './stack-store';

export const STACKS_ON_NODE = 'rackpilot/stacks';
export const STACK_FOLDER_FAILED = 'E_STACK_FOLDER';
/** The override files Rackpilot last wrote to the node's folder, one a line: removed ones are deleted there on the next mirror. */
export const NODE_OVERRIDES_MANIFEST = '.rackpilot-overrides';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The files of the project, in merge order: compose.yaml, then the overrides. */
export function composeFileNames(files: StackFiles): string[] {
  return [COMPOSE_FILE, ...files.overrides.map((o) => o.name)];
}

/**
 * The .env docker compose on the node reads: the stack's .env, then its variables, then which
 * files and profiles make the project (later lines win, so these beat a COMPOSE_FILE in .env).
 * The path separator is ':' — nodes are Linux, and override names cannot hold one.
 */
export function nodeEnvFile(files: StackFiles): string {
  const lines = Object.entries(files.variables).map(([k, v]) => envLine(k, v));
  if (files.overrides.length) lines.push(envLine('COMPOSE_FILE', composeFileNames(files).join(':')));
  if (files.profiles.length) lines.push(envLine('COMPOSE_PROFILES', files.profiles.join(',')));
  if (!lines.length) return files.env;
  const base = files.env === '' || files.env.endsWith('\n') ? files.env : files.env + '\n';
  return base + '# Set in Rackpilot (they override the lines above)\n' + lines.join('\n') + '\n';
}

export class NodeWorkspace {
  /** Home directory per connection target (a changed user or address asks again). */
  private readonly homes = new Map<string, string>();

  constructor(private readonly ssh: SshService) {}

  /** The absolute path of the stack's folder on the node (the project's working dir). */
  async folder(target: SshTarget, name: string, signal?: AbortSignal): Promise<string> {
    const key = targetKey(target);
    let home = this.homes.get(key);
    if (!home) {
      const r = await this.ssh.run(target, 'printf %s "$HOME"', { signal, timeoutMs: 30_000 });
      home = r.stdout.trim();
      if (r.exitCode !== 0 || !home.startsWith('/')) {
        throw new RackpilotError(STACK_FOLDER_FAILED, `Could not find ${target.user}'s home directory on ${describeTarget(target)} (${r.stderr.trim() || 'no $HOME'}). Check the node's SSH user.`);
      }
      this.homes.set(key, home);
    }
    return posix.join(home, STACKS_ON_NODE, name);
  }

  /**
   * Copies compose.yaml, the override files and the merged .env into the stack's folder on the
   * node, each replaced atomically; .env goes last, as it names the files. Override files
   * Rackpilot wrote before and the stack no longer has are deleted — docker compose would still
   * pick up a stale compose.override.yaml by itself.
   */
  async mirror(target: SshTarget, name: string, files: StackFiles, signal?: AbortSignal): Promise<string> {
    const folder = await this.folder(target, name, signal);
    const q = shellQuote(folder);
    const mk = await this.ssh.run(target, `mkdir -p ${q} && chmod 700 ${q} && { cat ${shellQuote(posix.join(folder, NODE_OVERRIDES_MANIFEST))} 2>/dev/null || true; }`, { signal, timeoutMs: 30_000 });
    if (mk.exitCode !== 0) {
      throw new RackpilotError(STACK_FOLDER_FAILED, `Could not create ${folder} on ${describeTarget(target)}: ${mk.stderr.trim() || `exit ${mk.exitCode}`}. Check that ${target.user} may write to its home directory.`);
    }
    const names = files.overrides.map((o) => o.name);
    const staging = mkdtempSync(join(tmpdir(), 'rackpilot-stack-'));
    try {
      const send = async (file: string, content: string, mode: number) => {
        writeFileSync(join(staging, file), content, { mode: 0o600 });
        await this.ssh.upload(target, join(staging, file), posix.join(folder, file), { signal, mode });
      };
      for (const o of files.overrides) await send(o.name, o.content, 0o644);
      await send(COMPOSE_FILE, files.compose, 0o644);
      await send(ENV_FILE, nodeEnvFile(files), 0o600);
      await send(NODE_OVERRIDES_MANIFEST, names.map((n) => n + '\n').join(''), 0o644);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    const stale = staleOverrides(mk.stdout, names);
    if (stale.length) {
      const rm = await this.ssh.run(target, `rm -f -- ${stale.map((n) => shellQuote(posix.join(folder, n))).join(' ')}`, { signal, timeoutMs: 30_000 });
      if (rm.exitCode !== 0) {
        throw new RackpilotError(STACK_FOLDER_FAILED, `Could not delete the removed override files ${stale.join(', ')} from ${folder} on ${describeTarget(target)}: ${rm.stderr.trim() || `exit ${rm.exitCode}`}. Delete them by hand.`);
      }
    }
    return folder;
  }

  forget(target: SshTarget): void {
    this.homes.delete(targetKey(target));
  }
}

/** Names in the node's manifest that the stack no longer has; anything not a plain override name is ignored, never deleted. */
export function staleOverrides(manifest: string, keep: readonly string[]): string[] {
  return manifest
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => n !== '' && !keep.includes(n) && overrideFileNameSchema.safeParse(n).success);
}
